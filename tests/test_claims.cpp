#include <gtest/gtest.h>
#include <sys/wait.h>
#include <grp.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "io_bound/io_bound.hpp"
#include "isolation/isolation.hpp"
#include "memory/memory_probe.hpp"
#include "bench_child.hpp"
#include "test_support.hpp"

namespace tvp {
namespace {

using ClaimsTest = testing::LeakCheckedTest;

TEST_F(ClaimsTest, AThreadCostsLessMemoryThanAProcessAndPssNeverExceedsRss) {
    const WorkerMemory thread = measure_worker_memory(Launcher(Backend::thread), 4);
    EXPECT_GT(thread.rss_bytes_per_worker, 0);
    for (Backend backend : process_backends) {
        const WorkerMemory process = measure_worker_memory(Launcher(backend), 4);
        EXPECT_LT(thread.rss_bytes_per_worker, process.rss_bytes_per_worker) << to_string(backend);
        EXPECT_LE(process.pss_bytes_per_worker, process.rss_bytes_per_worker) << to_string(backend);
        EXPECT_GT(process.pss_bytes_per_worker, 0) << to_string(backend);
    }
}

// What a thread adds: the 64 KiB of stack it touches, plus glibc's thread
// control block and TLS at the stack's top, all private (Pss equals Rss). It
// must hold while another process that shares this one's pages (as the janitor
// and forked workers do) breaks that sharing page by page, which moves this
// process's whole Pss between any two reads.
TEST_F(ClaimsTest, AThreadsMemoryIsItsTouchedStackWhateverOtherProcessesDo) {
    std::vector<std::byte> shared(128 << 20, std::byte{1});  // resident, then shared with the child
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        for (std::size_t at = 0; at < shared.size(); at += 4096) {  // copy-on-write, one page at a time
            shared[at] = std::byte{2};
            if (at % (256 << 10) == 0) ::usleep(2000);
        }
        ::_exit(0);
    }
    std::vector<WorkerMemory> results;
    while (results.size() < 20 || ::waitpid(child, nullptr, WNOHANG) == 0)
        results.push_back(measure_worker_memory(Launcher(Backend::thread), 16));
    for (const WorkerMemory& memory : results) {
        EXPECT_GE(memory.rss_bytes_per_worker, double(touched_stack_bytes));
        EXPECT_LE(memory.rss_bytes_per_worker, double(touched_stack_bytes + (64 << 10)));
        EXPECT_NEAR(memory.pss_bytes_per_worker, memory.rss_bytes_per_worker, 4096.0) << "a thread's stack is its own";
    }
}

TEST_F(ClaimsTest, ForkedChildrenCopyThePagesTheyWrite) {
    std::vector<std::byte> buffer(16 << 20, std::byte{1});
    const WorkerMemory untouched = measure_worker_memory(Launcher(Backend::fork), 2);
    const WorkerMemory written = measure_worker_memory(Launcher(Backend::fork), 2, buffer);
    // Untouched, the buffer is shared three ways (parent and two children);
    // written, each child holds its own 16 MiB copy.
    EXPECT_GE(written.pss_bytes_per_worker, 16 << 20);
    EXPECT_LT(untouched.pss_bytes_per_worker, written.pss_bytes_per_worker - (8 << 20));
}

TEST_F(ClaimsTest, ACrashedProcessLeavesTheParentAndTheOthersRunning) {
    for (Backend backend : process_backends) {
        const IsolationRun run = crash_one_worker(Launcher(backend), 4, 100'000);
        EXPECT_EQ(run.crash, "worker killed by signal SIGABRT (Aborted)") << to_string(backend);
        EXPECT_EQ(run.survivors, 3u) << to_string(backend);
        EXPECT_TRUE(run.sum_correct) << to_string(backend);
    }
}

TEST_F(ClaimsTest, ACrashedThreadTakesItsWholeProcessDownInsideTheSandbox) {
    const IsolationRun run = crash_one_worker(Launcher(Backend::thread), 4, 100'000);
    EXPECT_EQ(run.crash, "sandbox process killed by signal SIGABRT (Aborted)");
    EXPECT_EQ(run.survivors, 0u);
    EXPECT_TRUE(run.sum_correct) << "the rerun after the crash";
}

// `survivors` counts the results that reached the parent. A worker that fails
// without crashing takes nothing down with it: threads included, the other
// three results arrive (which a count fixed by hand would not show).
TEST_F(ClaimsTest, SurvivorsAreTheResultsThatReachedTheParent) {
    for (Backend backend : all_backends) {
        const IsolationRun run = crash_one_worker(Launcher(backend), 4, 100'000, Failure::exit_code);
        EXPECT_EQ(run.survivors, 3u) << to_string(backend) << ": " << run.crash;
        EXPECT_TRUE(run.sum_correct) << to_string(backend);
    }
}

// Tasks (threads included) whose real uid is `uid`: what RLIMIT_NPROC counts.
unsigned tasks_of_user(uid_t uid) {
    unsigned tasks = 0;
    std::error_code error;
    for (const auto& process : std::filesystem::directory_iterator("/proc", error)) {
        for (const auto& task : std::filesystem::directory_iterator(process.path() / "task", error)) {
            std::ifstream status(task.path() / "status");
            for (std::string line; std::getline(status, line);)
                if (line.starts_with("Uid:")) tasks += std::stoul(line.substr(4)) == uid;
        }
    }
    return tasks;
}

// Under RLIMIT_NPROC the thread sandbox cannot start its threads. It must end
// through _exit(): an exception unwinding into Google Benchmark's loop in the
// sandbox would run the rest of the suite a second time (a second JSON document).
TEST(IsolationSandbox, AThreadThatCannotStartEndsTheSandboxNotTheSuite) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root, to run bench as another user under RLIMIT_NPROC";
    // A uid of its own (not nobody's, which other tests use), so that the
    // limit counts only bench's processes: bench, its janitor, the sandbox.
    constexpr uid_t uid = 64'999;
    const rlim_t limit = tasks_of_user(uid) + 3;
    const auto run = testing::run_bench_child(
        {"--benchmark_filter=^isolation/thread/", "--benchmark_min_time=0.01", "--benchmark_format=json"},
        [&] {
            // Limit after setuid: a limit already exceeded at setuid time would fail the exec.
            const rlimit processes{limit, limit};
            return ::setgroups(0, nullptr) == 0 && ::setgid(uid) == 0 && ::setuid(uid) == 0 &&
                   ::setrlimit(RLIMIT_NPROC, &processes) == 0;
        },
        std::chrono::seconds(60), false);
    ASSERT_FALSE(run.timed_out) << run.output;
    EXPECT_EQ(run.exit_code, 0) << run.output;
    EXPECT_EQ(testing::count_json_documents(run.output), 1) << run.output;
    EXPECT_NE(run.output.find("\"error_occurred\": true"), std::string::npos) << run.output;
#ifndef __SANITIZE_THREAD__
    // (Under ThreadSanitizer its own threads count against the limit too, and
    // the fork of the sandbox fails first: still one document and an error.)
    EXPECT_NE(run.output.find("exited with code 70"), std::string::npos) << "the sandbox's own failure\n" << run.output;
#endif
}

TEST_F(ClaimsTest, IoBoundWorkersWaitTheirFullTime) {
    for (Backend backend : all_backends) {
        const auto period = std::chrono::milliseconds(2);
        const IoBoundRun run = run_io_bound(Launcher(backend), 4, 5, period);
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
}  // namespace tvp
