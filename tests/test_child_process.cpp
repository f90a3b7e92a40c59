#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <csignal>

#include "child_process.hpp"
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
    EXPECT_FALSE(child.running());
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

TEST_F(ChildProcessTest, MoveAssignmentReapsTheChildItReplaces) {
    ChildProcess first(fork_child(0, 60));
    first = ChildProcess(fork_child(5));
    EXPECT_EQ(first.wait(), ExitStatus::exited(5));
}

}  // namespace
}  // namespace tvp
