// Pools (src/pool/): results right on every back-end and mechanism; a task
// that kills its worker is reported, naming the worker, and the worker
// replaced; no worker outlives the pool, nor a parent killed without a chance
// to clean up.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <thread>

#include "pool/pool.hpp"
#include "pool/pool_protocol.hpp"
#include "process_tree.hpp"
#include "sumsq/sumsq.hpp"
#include "test_support.hpp"

namespace tvp {
namespace {

using namespace std::chrono_literals;
using pool::Pool;
using pool::PoolTask;
using pool::TaskKind;

struct PoolCase {
    Backend backend;
    ipc::Mechanism mechanism;
};

void PrintTo(const PoolCase& pool_case, std::ostream* out) {
    *out << to_string(pool_case.backend) << " over " << ipc::to_string(pool_case.mechanism);
}

std::string case_name(const ::testing::TestParamInfo<PoolCase>& info) {
    return std::string(to_string(info.param.backend)) + "_" + std::string(ipc::to_string(info.param.mechanism));
}

std::vector<PoolCase> every_pool() {
    std::vector<PoolCase> cases;
    for (Backend backend : {Backend::thread, Backend::fork, Backend::posix_spawn})
        for (ipc::Mechanism mechanism : {ipc::Mechanism::shm_ring, ipc::Mechanism::pipe})
            cases.push_back({backend, mechanism});
    return cases;
}

pool::PoolOptions options_for(const PoolCase& pool_case, unsigned workers = 2) {
    return {.backend = pool_case.backend, .mechanism = pool_case.mechanism, .workers = workers};
}

// The threads of this process, from /proc/self/status.
int thread_count() {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.starts_with("Threads:")) return std::stoi(line.substr(8));
    return -1;
}

class PoolTest : public testing::LeakCheckedTest, public ::testing::WithParamInterface<PoolCase> {};
class PoolForkTest : public testing::LeakCheckedTest {};

TEST_P(PoolTest, ComputesEveryTaskOnItsWorkers) {
    Pool workers(options_for(GetParam()));
    ASSERT_EQ(workers.size(), 2u);
    EXPECT_EQ(workers.run(0, {TaskKind::empty, {}}).value, 0u);
    EXPECT_EQ(workers.run(1, {TaskKind::sumsq, {10, 20}}).value, sum_of_squares_naive(10, 20));
    const std::uint64_t n = 1'000'003;  // not a multiple of the chunk: the last task is shorter
    const auto tasks = pool::sumsq_tasks(n, 10'000);
    const std::vector<uint128> results = workers.map(tasks);
    ASSERT_EQ(results.size(), tasks.size());
    uint128 total = 0;
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        EXPECT_EQ(results[i], sum_of_squares_naive(tasks[i].range.begin, tasks[i].range.end)) << "task " << i;
        total += results[i];
    }
    EXPECT_EQ(total, *sum_of_squares_closed_form(n));
    EXPECT_EQ(workers.replaced(), 0u);
    if (GetParam().backend != Backend::thread) {
        ASSERT_TRUE(workers.worker_pid(0) && workers.worker_pid(1));
        EXPECT_NE(*workers.worker_pid(0), *workers.worker_pid(1));
    }
}

TEST_P(PoolTest, ACrashIsReportedNamingTheWorkerAndTheWorkerIsReplaced) {
    Pool workers(options_for(GetParam()));
    const auto old_pid = workers.worker_pid(1);
    try {
        workers.run(1, {TaskKind::crash, {}});
        FAIL() << "the crash went unreported";
    } catch (const pool::WorkerFailed& failure) {
        EXPECT_EQ(failure.worker(), 1u);
        const std::string what = failure.what();
        EXPECT_NE(what.find("pool worker 2 of 2"), std::string::npos) << what;
        EXPECT_NE(what.find(GetParam().backend == Backend::thread ? "threw" : "SIGABRT"), std::string::npos) << what;
        EXPECT_NE(what.find("replaced"), std::string::npos) << what;
        if (old_pid) {
            EXPECT_NE(what.find("pid " + std::to_string(*old_pid)), std::string::npos) << what;
        }
    }
    EXPECT_EQ(workers.replaced(), 1u);
    if (old_pid) {
        ASSERT_TRUE(workers.worker_pid(1));
        EXPECT_NE(*workers.worker_pid(1), *old_pid);
    }
    // The replacement works, and so does the worker that never failed.
    EXPECT_EQ(workers.run(1, {TaskKind::sumsq, {0, 1000}}).value, *sum_of_squares_closed_form(1000));
    EXPECT_EQ(workers.run(0, {TaskKind::sumsq, {0, 1000}}).value, *sum_of_squares_closed_form(1000));
}

TEST_P(PoolTest, ACrashInTheMiddleOfAMapIsReportedAndThePoolStillWorks) {
    Pool workers(options_for(GetParam()));
    std::vector<PoolTask> tasks = pool::sumsq_tasks(100'000, 1'000);
    tasks[37] = {TaskKind::crash, {}};  // the second worker's (round robin)
    EXPECT_THROW(workers.map(tasks), pool::WorkerFailed);
    EXPECT_EQ(workers.replaced(), 1u);
    const auto again = pool::sumsq_tasks(100'000, 1'000);
    uint128 total = 0;
    for (uint128 value : workers.map(again)) total += value;
    EXPECT_EQ(total, *sum_of_squares_closed_form(100'000));
}

TEST_P(PoolTest, NoWorkerIsLeftAfterThePoolIsDestroyed) {
    // A sanitizer's runtime may start a background thread of its own with the
    // first thread created (ThreadSanitizer does): let that happen before counting.
    std::thread([] {}).join();
    const int threads_before = thread_count();
    const bool threads = GetParam().backend == Backend::thread;
    std::vector<pid_t> pids;
    {
        Pool workers(options_for(GetParam(), 3));
        EXPECT_EQ(thread_count(), threads_before + (threads ? 3 : 0));
        for (unsigned i = 0; i < workers.size(); ++i)
            if (auto pid = workers.worker_pid(i)) pids.push_back(*pid);
        EXPECT_EQ(workers.run(2, {TaskKind::sumsq, {0, 10}}).value, *sum_of_squares_closed_form(10));
    }
    EXPECT_EQ(pids.size(), threads ? 0u : 3u);
    EXPECT_EQ(thread_count(), threads_before) << "a worker thread outlived its pool";
    for (pid_t pid : pids) EXPECT_NE(::kill(pid, 0), 0) << "worker " << pid << " outlived its pool";
    // LeakCheckedTest: and no child (running or zombie) nor segment is left.
}

INSTANTIATE_TEST_SUITE_P(Pools, PoolTest, ::testing::ValuesIn(every_pool()), case_name);

// How many descriptors a process has open.
std::size_t open_descriptors(pid_t pid) {
    std::size_t count = 0;
    for ([[maybe_unused]] const auto& entry :
         std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd"))
        ++count;
    return count;
}

// A forked worker closes its copies of the other workers' pipe ends: a copy
// would keep another worker's stream open after the parent ended it.
TEST_F(PoolForkTest, AForkedWorkerHoldsNoOtherWorkersLink) {
    Pool workers({.backend = Backend::fork, .mechanism = ipc::Mechanism::pipe, .workers = 3});
    const std::size_t first = open_descriptors(*workers.worker_pid(0));
    EXPECT_EQ(open_descriptors(*workers.worker_pid(1)), first);
    EXPECT_EQ(open_descriptors(*workers.worker_pid(2)), first);
}

// Reads exactly `size` bytes from `fd` within `limit`; false otherwise.
bool read_within(int fd, void* buffer, std::size_t size, std::chrono::milliseconds limit) {
    auto* bytes = static_cast<char*>(buffer);
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (size > 0) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        pollfd readable{fd, POLLIN, 0};
        if (left.count() <= 0 || ::poll(&readable, 1, static_cast<int>(left.count())) <= 0) return false;
        const ssize_t got = ::read(fd, bytes, size);
        if (got <= 0) return false;
        bytes += got;
        size -= static_cast<std::size_t>(got);
    }
    return true;
}

// A parent killed by SIGKILL runs no destructor: its process workers must end
// anyway (the suite's parent-death mechanism), not spin on their ring.
class PoolParentDeathTest : public ::testing::TestWithParam<Backend> {};

TEST_P(PoolParentDeathTest, WorkersEndWithAKilledParent) {
    const testing::Subreaper subreaper;  // orphaned workers come back here, to be seen and reaped
    int ends[2];
    ASSERT_EQ(::pipe2(ends, O_CLOEXEC), 0);
    const pid_t parent = ::fork();
    ASSERT_GE(parent, 0);
    if (parent == 0) {
        // The pool's parent: starts its workers, says which they are, waits to be killed.
        try {
            Pool workers({.backend = GetParam(),
                          .mechanism = ipc::Mechanism::shm_ring,
                          .wait = ipc::WaitMode::spin,
                          .workers = 2});
            const pid_t pids[2] = {workers.worker_pid(0).value_or(-1), workers.worker_pid(1).value_or(-1)};
            if (::write(ends[1], pids, sizeof pids) != sizeof pids) ::_exit(2);
            for (;;) ::pause();
        } catch (...) {
            ::_exit(1);
        }
    }
    ::close(ends[1]);
    pid_t pids[2] = {0, 0};
    const bool started = read_within(ends[0], pids, sizeof pids, 10s);
    ::close(ends[0]);
    ::kill(parent, SIGKILL);
    ::waitpid(parent, nullptr, 0);
    const testing::Reaped reaped = testing::reap_children(2s);
    const std::string survivors = testing::describe(testing::children_of(::getpid()));
    const auto left = testing::names_of({parent});
    testing::kill_remaining_children();
    for (const auto& path : left) std::filesystem::remove(path);

    ASSERT_TRUE(started) << "the pool's parent never reported its workers";
    EXPECT_TRUE(reaped.all_gone) << "pool workers still running 2 s after their parent was killed: " << survivors;
    for (pid_t pid : pids)
        EXPECT_NE(std::find(reaped.pids.begin(), reaped.pids.end(), pid), reaped.pids.end()) << "worker " << pid;
    EXPECT_TRUE(left.empty()) << "left behind: " << testing::describe(left);
}

INSTANTIATE_TEST_SUITE_P(Pools, PoolParentDeathTest, ::testing::Values(Backend::fork, Backend::posix_spawn),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                             return std::string(to_string(info.param));
                         });

}  // namespace
}  // namespace tvp
