// What the vfork and clone3 back-ends add to the launcher tests they share
// with the others (test_launcher.cpp): clone3's pidfd, a kernel without
// clone3, and the parent's signal mask, which both block while the child
// shares their memory.
#include <gtest/gtest.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstddef>
#include <cstring>

#include "process/child_process.hpp"
#include "launch/launcher.hpp"
#include "test_support.hpp"

namespace tvp {
namespace {

using VforkClone3Test = testing::LeakCheckedTest;

Task named(std::string name, std::vector<std::string> args = {}) {
    return {.name = std::move(name), .args = std::move(args), .function = {}};
}

TEST_F(VforkClone3Test, Clone3WorkerHoldsAPidfdThatTurnsReadableWhenItEnds) {
    auto worker = Launcher(Backend::clone3).start(named("exit_with", {"5"}));
    ASSERT_GE(worker->pidfd(), 0);
    pollfd ended{.fd = worker->pidfd(), .events = POLLIN, .revents = 0};
    EXPECT_EQ(::poll(&ended, 1, 10'000), 1) << "the pidfd did not turn readable when the worker ended";
    EXPECT_EQ(worker->join(), ExitStatus::exited(5));
}

TEST_F(VforkClone3Test, OtherBackEndsHoldNoPidfd) {
    auto worker = Launcher(Backend::vfork).start(named("noop"));
    EXPECT_EQ(worker->pidfd(), -1);
    EXPECT_TRUE(worker->join().success());
}

// The start call blocks every signal while the child shares the parent's
// memory; afterwards the parent's mask must be what it was.
TEST_F(VforkClone3Test, TheParentsSignalMaskIsRestored) {
    sigset_t usr2, before, after;
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    ::pthread_sigmask(SIG_BLOCK, &usr2, &before);
    ::pthread_sigmask(SIG_BLOCK, nullptr, &before);
    for (Backend backend : {Backend::vfork, Backend::clone3}) {
        EXPECT_TRUE(Launcher(backend).start(named("noop"))->join().success()) << to_string(backend);
        ::pthread_sigmask(SIG_BLOCK, nullptr, &after);
        for (int signal = 1; signal < SIGRTMIN; ++signal)
            EXPECT_EQ(sigismember(&after, signal), sigismember(&before, signal))
                << to_string(backend) << ": signal " << signal;
    }
    ::pthread_sigmask(SIG_UNBLOCK, &usr2, nullptr);
}

// In a forked child, so the filter stays there: clone3 fails with ENOSYS, as
// on a kernel before 5.3 (or under a seccomp profile that hides it). Exit
// codes: 0 reported as ENOSYS naming clone3, 1 another error, 2 no error.
int start_clone3_without_clone3() {
    sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone3, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    sock_fprog program{.len = static_cast<unsigned short>(std::size(filter)), .filter = filter};
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0)
        return 3;
    try {
        Launcher(Backend::clone3).start(named("noop"))->join();
        return 2;
    } catch (const std::system_error& error) {
        return error.code().value() == ENOSYS && std::strstr(error.what(), "clone3") != nullptr ? 0 : 1;
    }
}

TEST_F(VforkClone3Test, Clone3OnAKernelWithoutItIsReportedAsENOSYS) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) ::_exit(start_clone3_without_clone3());
    const ExitStatus status = ChildProcess(pid).wait();
    ASSERT_NE(status, ExitStatus::exited(3)) << "could not install the seccomp filter";
    EXPECT_EQ(status, ExitStatus::exited(0)) << "1: another error than ENOSYS naming clone3; 2: no error";
}

}  // namespace
}  // namespace tvp
