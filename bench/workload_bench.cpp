// Scenario `workload`: the user's question run for real. N tasks of T µs of
// CPU work (the sum of squares over a calibrated range) that each send B bytes
// to their worker and get B bytes back, on W workers, by each strategy of
// src/workload (a thread, fork, posix_spawn or vfork per task; a thread, forked
// or spawned pool). One iteration runs the whole batch: real_time is the
// seconds for all N tasks; every sum and payload is checked.
//
// The default grid is what scripts/advise calibrates its model from: per
// strategy, at the CPU count, tasks with no work and 0, 64 KiB and 1 MiB each
// way, and tasks of 10 µs, 100 µs, 1 ms and 10 ms with no bytes. The time per
// task is not a straight line in T: a pool's parent is the bottleneck while
// tasks are short (work then costs nothing extra), and a new thread or process
// shares its parent's CPU for its first milliseconds. A pool's short task
// costs about 10 µs, a worker started per task about a millisecond: pools run
// 8 times the tasks of the per-task strategies at those points, so that each
// row takes tens of milliseconds. --tasks, --task_us and --bytes replace the
// grid with their cross product.
#include <cmath>

#include "bench_support.hpp"
#include "ipc/affinity.hpp"
#include "scenarios.hpp"
#include "workload/workload.hpp"

namespace tvp::bench {

namespace {

using workload::Workload;

struct GridPoint {
    std::uint64_t tasks, task_us, bytes;
};
constexpr GridPoint calibration_points[] = {{256, 0, 0},   {256, 0, 64 << 10}, {256, 0, 1 << 20}, {256, 10, 0},
                                            {256, 100, 0}, {256, 1000, 0},     {32, 10'000, 0}};
// How many times the tasks a pool runs at a calibration point with short
// tasks and small payloads.
constexpr std::uint64_t pool_task_factor = 8;
// What a flag left out takes when others are given.
constexpr GridPoint unnamed_defaults{1000, 50, 4096};

std::uint64_t elements_for(std::uint64_t task_us) {
    return static_cast<std::uint64_t>(std::llround(static_cast<double>(task_us) * workload::elements_per_us()));
}

void run_workload(benchmark::State& state, workload::Strategy strategy, Workload work,
                  std::filesystem::path worker_executable) {
    run_or_skip(state, [&] {
        const std::uint64_t elements = elements_for(work.task_us);
        workload::WorkloadRun batch(strategy, work, elements, worker_executable);
        std::uint64_t verified = 0;
        for (auto _ : state) {
            batch.run();
            ++verified;
        }
        report_verified(state, verified);
        state.counters["tasks"] = static_cast<double>(work.tasks);
        state.counters["work_us_per_task"] = static_cast<double>(elements) / workload::elements_per_us();
        state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * work.tasks));
    });
}

std::vector<GridPoint> grid(const SuiteOptions& options, const workload::StrategyInfo& strategy) {
    if (options.workload_tasks.empty() && options.workload_task_us.empty() && options.workload_bytes.empty()) {
        std::vector<GridPoint> points(std::begin(calibration_points), std::end(calibration_points));
        for (GridPoint& point : points)
            if (strategy.pooled && point.task_us <= 100 && point.bytes <= (64 << 10)) point.tasks *= pool_task_factor;
        return points;
    }
    auto or_default = [](const std::vector<std::uint64_t>& given, std::uint64_t fallback) {
        return given.empty() ? std::vector<std::uint64_t>{fallback} : given;
    };
    std::vector<GridPoint> points;
    for (std::uint64_t tasks : or_default(options.workload_tasks, unnamed_defaults.tasks))
        for (std::uint64_t task_us : or_default(options.workload_task_us, unnamed_defaults.task_us))
            for (std::uint64_t bytes : or_default(options.workload_bytes, unnamed_defaults.bytes))
                points.push_back({tasks, task_us, bytes});
    return points;
}

}  // namespace

void register_workload_benchmarks(const SuiteOptions& options) {
    const std::vector<unsigned> worker_counts =
        options.sumsq_workers.empty() ? std::vector<unsigned>{static_cast<unsigned>(std::max(1, ipc::usable_cpus()))}
                                      : options.sumsq_workers;
    // Point by point, every strategy together: a run filtered to one workload gets all seven.
    const std::vector<GridPoint> point_rows = grid(options, workload::strategy_table[0]);
    for (std::size_t row = 0; row < point_rows.size(); ++row)
        for (unsigned workers : worker_counts)
            for (const workload::StrategyInfo& strategy : workload::strategy_table) {
                const GridPoint point = grid(options, strategy)[row];
                const Workload work{
                    .tasks = point.tasks, .task_us = point.task_us, .bytes = point.bytes, .workers = workers};
                benchmark::RegisterBenchmark(BenchmarkName("workload", strategy.name)
                                                 .param("tasks", work.tasks)
                                                 .param("task_us", work.task_us)
                                                 .param("bytes", work.bytes)
                                                 .param("workers", workers)
                                                 .str()
                                                 .c_str(),
                                             run_workload, strategy.strategy, work, options.worker_executable)
                    ->UseRealTime()
                    ->Unit(benchmark::kMillisecond)
                    ->MinTime(0.05);
            }
}

}  // namespace tvp::bench
