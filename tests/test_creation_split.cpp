// create_split's measurement and isolation's crash detection: what they
// measure is checked, on every back-end they run on (never how fast).
#include <gtest/gtest.h>
#include <pthread.h>

#include <csignal>

#include "isolation/crash_detection.hpp"
#include "creation/creation_split.hpp"
#include "launch/launcher.hpp"
#include "test_support.hpp"

namespace tvp {
namespace {

using CreationChecks = testing::LeakCheckedTest;

class CreationSplitTest : public testing::LeakCheckedTest, public ::testing::WithParamInterface<Backend> {};

TEST_P(CreationSplitTest, TheChildsStampLiesBetweenTheStartAndTheReap) {
    CreationProbe probe;
    for (int sample = 0; sample < 3; ++sample) {
        const CreationSplit split = probe.measure_once(Launcher(GetParam()));
        EXPECT_GE(split.first_run_ns, 0);
        EXPECT_GE(split.parent_blocked_ns, 0);
        EXPECT_LE(split.first_run_ns, split.reap_ns);
        EXPECT_LE(split.parent_blocked_ns, split.reap_ns);
    }
}

TEST_F(CreationChecks, CreationSplitReportsAWorkerThatCannotStart) {
    if (testing::vfork_is_fork_here(Backend::vfork))
        GTEST_SKIP() << "ThreadSanitizer turns vfork into fork: the exec error cannot reach the parent";
    CreationProbe probe;
    EXPECT_THROW(probe.measure_once(Launcher(Backend::vfork, "/nonexistent/tvp_worker")), std::system_error);
}

// The static no-op ignores its task and exits 0 without stamping: a split
// without the child's stamp must be an error, not a number.
TEST_F(CreationChecks, AWorkerThatNeverStampsIsAnError) {
    CreationProbe probe;
    EXPECT_THROW(probe.measure_once(Launcher(Backend::vfork, testing::build_directory() / "noop_static")),
                 std::runtime_error);
}

INSTANTIATE_TEST_SUITE_P(AllBackends, CreationSplitTest, ::testing::ValuesIn(all_backends),
                         [](const auto& info) { return std::string(to_string(info.param)); });

struct DetectCase {
    Backend backend;
    DetectMethod method;
};

class CrashDetectionTest : public testing::LeakCheckedTest, public ::testing::WithParamInterface<DetectCase> {};

TEST_P(CrashDetectionTest, SeesTheAbortAfterItsStampAndReapsTheWorker) {
    sigset_t before, after;
    ::pthread_sigmask(SIG_BLOCK, nullptr, &before);
    {
        CrashDetector detector(Launcher(GetParam().backend), GetParam().method);
        for (int sample = 0; sample < 2; ++sample) EXPECT_GE(detector.measure_once(), 0);
    }
    ::pthread_sigmask(SIG_BLOCK, nullptr, &after);
    EXPECT_EQ(sigismember(&after, SIGCHLD), sigismember(&before, SIGCHLD)) << "SIGCHLD's mask was not restored";
}

TEST_F(CreationChecks, CrashDetectionRefusesThreads) {
    EXPECT_THROW(CrashDetector(Launcher(Backend::thread), DetectMethod::pidfd), std::invalid_argument);
}

std::vector<DetectCase> detect_cases() {
    std::vector<DetectCase> cases;
    for (Backend backend : process_backends)
        for (DetectMethod method : detect_methods) cases.push_back({backend, method});
    return cases;
}

INSTANTIATE_TEST_SUITE_P(Processes, CrashDetectionTest, ::testing::ValuesIn(detect_cases()), [](const auto& info) {
    return std::string(to_string(info.param.backend)) + "_" + std::string(to_string(info.param.method));
});

}  // namespace
}  // namespace tvp
