#include <gtest/gtest.h>

#include <chrono>

#include "claims/io_bound.hpp"
#include "claims/isolation.hpp"
#include "claims/memory_probe.hpp"
#include "test_support.hpp"

namespace tvp::claims {
namespace {

using ClaimsTest = testing::LeakCheckedTest;

TEST_F(ClaimsTest, AThreadCostsLessMemoryThanAProcessAndPssNeverExceedsRss) {
    const WorkerMemory thread = measure_worker_memory(Backend::thread, 4);
    EXPECT_GT(thread.rss_bytes_per_worker, 0);
    for (Backend backend : process_backends) {
        const WorkerMemory process = measure_worker_memory(backend, 4);
        EXPECT_LT(thread.rss_bytes_per_worker, process.rss_bytes_per_worker) << to_string(backend);
        EXPECT_LE(process.pss_bytes_per_worker, process.rss_bytes_per_worker) << to_string(backend);
        EXPECT_GT(process.pss_bytes_per_worker, 0) << to_string(backend);
    }
}

TEST_F(ClaimsTest, ForkedChildrenCopyThePagesTheyWrite) {
    std::vector<std::byte> buffer(16 << 20, std::byte{1});
    const WorkerMemory untouched = measure_worker_memory(Backend::fork, 2);
    const WorkerMemory written = measure_worker_memory(Backend::fork, 2, buffer);
    // Untouched, the buffer is shared three ways (parent and two children);
    // written, each child holds its own 16 MiB copy.
    EXPECT_GE(written.pss_bytes_per_worker, 16 << 20);
    EXPECT_LT(untouched.pss_bytes_per_worker, written.pss_bytes_per_worker - (8 << 20));
}

TEST_F(ClaimsTest, ACrashedProcessLeavesTheParentAndTheOthersRunning) {
    for (Backend backend : process_backends) {
        const IsolationRun run = crash_one_worker(backend, 4, 100'000);
        EXPECT_EQ(run.crash, "worker killed by signal SIGABRT (Aborted)") << to_string(backend);
        EXPECT_EQ(run.survivors, 3u) << to_string(backend);
        EXPECT_TRUE(run.sum_correct) << to_string(backend);
    }
}

TEST_F(ClaimsTest, ACrashedThreadTakesItsWholeProcessDownInsideTheSandbox) {
    const IsolationRun run = crash_one_worker(Backend::thread, 4, 100'000);
    EXPECT_EQ(run.crash, "sandbox process killed by signal SIGABRT (Aborted)");
    EXPECT_EQ(run.survivors, 0u);
    EXPECT_TRUE(run.sum_correct) << "the rerun after the crash";
}

TEST_F(ClaimsTest, IoBoundWorkersWaitTheirFullTime) {
    for (Backend backend : all_backends) {
        const auto period = std::chrono::milliseconds(2);
        const IoBoundRun run = run_io_bound(backend, 4, 5, period);
        EXPECT_EQ(run.waits, 20u);
        EXPECT_GE(run.seconds, 5 * 0.002) << "5 waits of 2 ms cannot take less than 10 ms";
        EXPECT_LT(run.seconds, 2.0) << to_string(backend);
    }
}

TEST(ResourceCheck, RefusesWhatCannotFit) {
    EXPECT_FALSE(would_not_fit(Backend::thread, 4).has_value());
    const auto reason = would_not_fit(Backend::fork, 100'000'000);
    ASSERT_TRUE(reason.has_value());
    EXPECT_NE(reason->find("MiB"), std::string::npos) << *reason;
}

}  // namespace
}  // namespace tvp::claims
