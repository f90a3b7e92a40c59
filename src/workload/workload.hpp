#pragma once
// The question a user brings: N independent tasks, each T µs of CPU work (a
// slice of the sum of squares, its length calibrated on this machine) that
// sends B bytes to its worker and gets B bytes back, run on W workers. One of
// seven strategies runs them: a thread, a fork, a posix_spawn or a vfork per
// task (at most W alive at a time: W start, get their task, end; the next W),
// or a pool of W started once (threads, pre-forked, pre-spawned). Every task's
// sum and returned payload is checked.
//
// Each strategy uses the link that suits it (strategy_table): threads an
// in-process queue under a mutex (a copy in memory, as C++ code would hand
// bytes to a thread), process pools the suite's shared-memory ring, blocking
// (one copy each way, no system call per byte), per-task processes a pipe
// (what a fork or spawn per task has without setting up shared memory each
// time).
#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "ipc/endpoint.hpp"
#include "pool/pool.hpp"
#include "process/backend.hpp"

namespace tvp::workload {

enum class Strategy {
    thread_per_task,
    thread_pool,
    fork_per_task,
    posix_spawn_per_task,
    vfork_per_task,
    fork_pool,
    posix_spawn_pool,
};

struct StrategyInfo {
    Strategy strategy;
    std::string_view name;
    Backend backend;
    bool pooled;  // workers started once, or one per task
    ipc::Mechanism mechanism;
    ipc::WaitMode wait;
};

inline constexpr std::array strategy_table{
    StrategyInfo{Strategy::thread_per_task, "thread_per_task", Backend::thread, false, ipc::Mechanism::mutex_cv,
                 ipc::WaitMode::block},
    StrategyInfo{Strategy::thread_pool, "thread_pool", Backend::thread, true, ipc::Mechanism::mutex_cv,
                 ipc::WaitMode::block},
    StrategyInfo{Strategy::fork_per_task, "fork_per_task", Backend::fork, false, ipc::Mechanism::pipe,
                 ipc::WaitMode::block},
    StrategyInfo{Strategy::posix_spawn_per_task, "posix_spawn_per_task", Backend::posix_spawn, false,
                 ipc::Mechanism::pipe, ipc::WaitMode::block},
    StrategyInfo{Strategy::vfork_per_task, "vfork_per_task", Backend::vfork, false, ipc::Mechanism::pipe,
                 ipc::WaitMode::block},
    StrategyInfo{Strategy::fork_pool, "fork_pool", Backend::fork, true, ipc::Mechanism::shm_ring, ipc::WaitMode::block},
    StrategyInfo{Strategy::posix_spawn_pool, "posix_spawn_pool", Backend::posix_spawn, true, ipc::Mechanism::shm_ring,
                 ipc::WaitMode::block},
};

const StrategyInfo& info(Strategy strategy);

struct Workload {
    std::uint64_t tasks = 1;
    std::uint64_t task_us = 0;  // CPU work per task, µs
    std::uint64_t bytes = 0;    // sent to the worker with each task, and back
    unsigned workers = 1;
};

// The largest values a workload may have (bench's flags check them).
inline constexpr std::uint64_t max_tasks = 10'000'000;
inline constexpr std::uint64_t max_task_us = 10'000'000;  // 10 s
inline constexpr std::uint64_t max_bytes = 64ULL << 20;   // 64 MiB

// Elements of the sum of squares this CPU sums per µs: the median of several
// runs over 2^20 elements, measured once per process.
double elements_per_us();

class WorkloadRun {
public:
    // Builds the tasks (each a range of `elements_per_task` elements and its
    // payload) and, for a pooled strategy, starts the pool. Throws
    // std::invalid_argument for a workload out of range, and what a pool's
    // start throws.
    WorkloadRun(Strategy strategy, const Workload& workload, std::uint64_t elements_per_task,
                const std::filesystem::path& worker_executable = {});
    WorkloadRun(const WorkloadRun&) = delete;
    WorkloadRun& operator=(const WorkloadRun&) = delete;
    ~WorkloadRun();

    // Runs every task once and checks each sum and returned payload. Throws
    // pool::WorkerFailed if a worker died (a pool has replaced it), and
    // std::runtime_error for a wrong sum. `crashing_task` (for tests) makes
    // that task crash its worker instead.
    void run(std::optional<std::uint64_t> crashing_task = std::nullopt);

    // Workers a pool replaced after a crash (0 for per-task strategies).
    unsigned replaced_workers() const;

private:
    void check(std::span<const uint128> sums, std::size_t first_task) const;
    pool::PoolOptions pool_options(unsigned workers) const;

    const StrategyInfo& strategy_;
    Workload workload_;
    std::filesystem::path worker_executable_;
    std::vector<std::byte> pattern_;  // the payloads are windows of it
    std::vector<pool::PoolTask> tasks_;
    std::unique_ptr<pool::Pool> pool_;  // pooled strategies only
};

}  // namespace tvp::workload
