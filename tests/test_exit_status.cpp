#include <gtest/gtest.h>
#include <sys/wait.h>

#include <csignal>

#include "process/exit_status.hpp"

namespace tvp {
namespace {

TEST(ExitStatus, DecodesAnExitCode) {
    const ExitStatus status = ExitStatus::from_wait_status(3 << 8);  // as waitpid encodes exit(3)
    EXPECT_EQ(status, ExitStatus::exited(3));
    EXPECT_FALSE(status.success());
    EXPECT_EQ(status.describe(), "exited with code 3");
}

TEST(ExitStatus, DecodesASignal) {
    const ExitStatus status = ExitStatus::from_wait_status(SIGSEGV);
    EXPECT_EQ(status, ExitStatus::signaled(SIGSEGV));
    EXPECT_EQ(status.describe(), "killed by signal SIGSEGV (Segmentation fault)");
}

TEST(ExitStatus, ZeroIsSuccess) { EXPECT_TRUE(ExitStatus::from_wait_status(0).success()); }

TEST(ExitStatus, RejectsAStoppedProcess) {
    EXPECT_THROW(ExitStatus::from_wait_status(0x137f), std::invalid_argument);  // WIFSTOPPED by SIGSTOP
}

TEST(ExitStatus, NamesSignals) {
    EXPECT_EQ(signal_name(SIGKILL), "SIGKILL");
    EXPECT_EQ(signal_name(SIGABRT), "SIGABRT");
    EXPECT_EQ(signal_name(1000), "signal 1000");
}

}  // namespace
}  // namespace tvp
