#include <gtest/gtest.h>
#include <unistd.h>

#include <sys/syscall.h>
#include <sys/wait.h>

#include <chrono>
#include <csignal>
#include <system_error>

#include "process/child_process.hpp"
#include "test_support.hpp"

namespace tvp {
namespace {

using ChildProcessTest = testing::LeakCheckedTest;

pid_t fork_child(int exit_code, unsigned sleep_seconds = 0) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        if (sleep_seconds) ::sleep(sleep_seconds);
        ::_exit(exit_code);
    }
    return pid;
}

TEST_F(ChildProcessTest, WaitReturnsTheExitCode) {
    ChildProcess child(fork_child(7));
    EXPECT_EQ(child.wait(), ExitStatus::exited(7));
    EXPECT_FALSE(child.holds_unwaited_child());
}

TEST_F(ChildProcessTest, WaitTwiceIsAnError) {
    ChildProcess child(fork_child(0));
    child.wait();
    EXPECT_THROW(child.wait(), std::logic_error);
}

TEST_F(ChildProcessTest, AnAbandonedChildIsKilledAndReaped) {
    const auto start = std::chrono::steady_clock::now();
    { ChildProcess child(fork_child(0, 60)); }
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
    // TearDown checks that nothing is left, not even a zombie.
}

// Made with a pidfd (as clone3 gives one), it waits and kills through it.
ChildProcess with_pidfd(pid_t pid) {
    return ChildProcess(pid, UniqueFd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0))));
}

TEST_F(ChildProcessTest, ThroughItsPidfdWaitReturnsTheExitCodeOrTheSignal) {
    ChildProcess child = with_pidfd(fork_child(7));
    ASSERT_GE(child.pidfd(), 0);
    EXPECT_EQ(child.wait(), ExitStatus::exited(7));
    EXPECT_EQ(child.pidfd(), -1) << "the pidfd goes with the wait";
    ChildProcess sleeper = with_pidfd(fork_child(0, 60));
    ::kill(sleeper.pid(), SIGTERM);
    EXPECT_EQ(sleeper.wait(), ExitStatus::signaled(SIGTERM));
}

TEST_F(ChildProcessTest, ThroughItsPidfdAnAbandonedChildIsKilledAndReaped) {
    const auto start = std::chrono::steady_clock::now();
    { ChildProcess child = with_pidfd(fork_child(0, 60)); }
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
    // TearDown checks that nothing is left, not even a zombie.
}

TEST_F(ChildProcessTest, MoveAssignmentReapsTheChildItReplaces) {
    ChildProcess first(fork_child(0, 60));
    first = ChildProcess(fork_child(5));
    EXPECT_EQ(first.wait(), ExitStatus::exited(5));
}

TEST_F(ChildProcessTest, AnAbandonedChildThatHasEndedIsReaped) {
    const pid_t pid = fork_child(0);
    ChildProcess child(pid);
    siginfo_t info{};
    ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT);  // ended, not reaped
    child.kill_and_reap();
    EXPECT_FALSE(child.holds_unwaited_child());
    // TearDown checks that no zombie is left.
}

// Sets SIGCHLD to ignored for a test, as a parent may leave it: the kernel
// then reaps every child itself, and waitpid fails with ECHILD.
class SigchldIgnored {
public:
    SigchldIgnored() {
        struct sigaction ignore {};
        ignore.sa_handler = SIG_IGN;
        ::sigaction(SIGCHLD, &ignore, &previous_);
    }
    ~SigchldIgnored() { ::sigaction(SIGCHLD, &previous_, nullptr); }

private:
    struct sigaction previous_ {};
};

TEST_F(ChildProcessTest, AFailedWaitForgetsThePid) {
    SigchldIgnored ignored;
    ChildProcess child(fork_child(0));
    EXPECT_THROW(child.wait(), std::system_error);
    EXPECT_FALSE(child.holds_unwaited_child()) << "the pid may be anybody's now: it must never be signalled";
}

// A process that is not our child (our child's child) stands for whatever
// process got a pid we once had. Its parent reports how it ended.
struct Grandchild {
    pid_t parent = -1;
    pid_t pid = -1;
};

Grandchild start_grandchild() {
    int ends[2];
    if (::pipe(ends) != 0) return {};
    const pid_t parent = ::fork();
    if (parent == 0) {
        const pid_t pid = ::fork();
        if (pid == 0) {
            ::sleep(30);
            ::_exit(0);
        }
        [[maybe_unused]] auto written = ::write(ends[1], &pid, sizeof pid);
        int status = 0;
        ::waitpid(pid, &status, 0);
        ::_exit(WIFSIGNALED(status) ? WTERMSIG(status) : 100);
    }
    ::close(ends[1]);
    Grandchild grandchild{parent, -1};
    if (::read(ends[0], &grandchild.pid, sizeof grandchild.pid) != sizeof grandchild.pid) grandchild.pid = -1;
    ::close(ends[0]);
    return grandchild;
}

TEST_F(ChildProcessTest, NeverSignalsAPidThatIsNotItsChild) {
    const Grandchild other = start_grandchild();
    ASSERT_GT(other.pid, 0);
    {
        ChildProcess stale(other.pid);
        EXPECT_THROW(stale.wait(), std::system_error);  // ECHILD: not ours
    }
    { ChildProcess abandoned(other.pid); }  // destroyed unwaited: kills and reaps only a child of ours
    ::kill(other.pid, SIGTERM);
    int status = 0;
    ASSERT_EQ(::waitpid(other.parent, &status, 0), other.parent);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), SIGTERM)
        << "the other process was killed by signal " << WEXITSTATUS(status) << ", not by our SIGTERM";
}

}  // namespace
}  // namespace tvp
