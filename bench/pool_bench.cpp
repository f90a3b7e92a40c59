// Scenario `pool`: the chapter's advice taken to its end, Python's
// multiprocessing.Pool. Three pools (threads, pre-forked and pre-spawned
// processes, started once through the suite's launcher) fed through the
// suite's shared-memory ring (wait:spin) and through pipes:
//   - task:empty, the cost to dispatch one empty task and get its result, one
//     verified round trip per iteration (p50/p99, latency_stats.hpp), parent
//     and worker on two CPUs (cpus:cross, as the IPC benchmarks pin them);
//   - task:squares, the chapter's sum of squares over [0, n) cut into tasks of
//     `chunk` elements, the exact total checked against the closed form every
//     iteration. `efficiency` is the ideal time (the kernel over n on one
//     thread, divided by the workers) over the measured one; and the same
//     tasks run by creating a worker per task (per_task) as the comparison.
#include <algorithm>
#include <thread>

#include "bench_support.hpp"
#include "ipc/affinity.hpp"
#include "ipc/message.hpp"
#include "latency_stats.hpp"
#include "launch/launcher.hpp"
#include "pool/per_task_sumsq.hpp"
#include "paired_counters.hpp"
#include "pool/pool.hpp"
#include "scenarios.hpp"
#include "sumsq/sumsq.hpp"

namespace tvp::bench {

namespace {

using ipc::Mechanism;
using ipc::Placement;
using ipc::WaitMode;

constexpr Backend pool_backends[] = {Backend::thread, Backend::fork, Backend::posix_spawn};

struct Feed {
    Mechanism mechanism;
    WaitMode wait;  // the ring's; a pipe always blocks
};
constexpr Feed feeds[] = {{Mechanism::shm_ring, WaitMode::spin}, {Mechanism::pipe, WaitMode::block}};

constexpr std::uint64_t default_n = 10'000'000;
constexpr unsigned default_workers = 2;
// Task sizes, tiny to large; n / workers (one task per worker, the chapter's split) is added.
constexpr std::uint64_t chunk_sizes[] = {1'000, 10'000, 100'000, 1'000'000};
// Creating a worker per task costs up to a millisecond: below this size a
// repetition would take seconds (n / chunk workers started), so none is registered.
constexpr std::uint64_t min_per_task_chunk = 100'000;
constexpr double pool_min_time = 0.05;

std::string wrong_sum(std::uint64_t n, uint128 got) {
    return "wrong sum for n=" + std::to_string(n) + ": got " + to_decimal(got) + ", expected " +
           to_decimal(*sum_of_squares_closed_form(n));
}

// The ideal's one run: the kernel over [0, n) on one thread, verified, timed.
double kernel_seconds(std::uint64_t n) {
    std::uint64_t end = n;
    benchmark::DoNotOptimize(end);
    const auto start = std::chrono::steady_clock::now();
    uint128 sum = sum_of_squares(0, end);
    benchmark::DoNotOptimize(sum);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (sum != *sum_of_squares_closed_form(n)) throw std::runtime_error(wrong_sum(n, sum));
    return seconds;
}

pool::PoolOptions pool_options(Backend backend, Feed feed, unsigned workers, int worker_cpu,
                               const std::filesystem::path& worker_executable) {
    return {.backend = backend,
            .mechanism = feed.mechanism,
            .wait = feed.wait,
            .workers = workers,
            .worker_cpu = worker_cpu,
            .worker_executable = worker_executable};
}

// One worker on the other CPU: a second one would share it (two CPUs here), spinning.
void dispatch_latency(benchmark::State& state, Backend backend, Feed feed, std::filesystem::path worker_executable) {
    run_or_skip(state, [&] {
        if (ipc::usable_cpus() < 2) throw std::runtime_error("cpus:cross needs two CPUs, this process may use one");
        const ipc::ScopedPin pin(ipc::parent_cpu(Placement::cross));
        pool::Pool workers(pool_options(backend, feed, 1, ipc::peer_cpu(Placement::cross), worker_executable));
        const pool::PoolTask empty{pool::TaskKind::empty, {}};
        workers.run(0, empty);  // warm-up, untimed
        std::vector<std::int64_t> round_trips, one_way;
        round_trips.reserve(static_cast<std::size_t>(state.max_iterations));
        one_way.reserve(static_cast<std::size_t>(state.max_iterations));
        std::uint64_t verified = 0;
        for (auto _ : state) {
            const std::int64_t sent_ns = monotonic_ns();
            const pool::Reply reply = workers.run(0, empty);
            const std::int64_t now = monotonic_ns();
            if (reply.value != 0) throw std::runtime_error("an empty task returned " + to_decimal(reply.value));
            ++verified;
            round_trips.push_back(now - sent_ns);
            one_way.push_back(now - reply.sent_ns);  // the worker -> parent leg, both sides' clocks
        }
        report_verified(state, verified);
        report_latency_percentiles(state, std::move(round_trips), std::move(one_way));
    });
}

// The timed loop shared by the pools and the per-task comparison (the pools
// warm up first): `run` sums [0, n) once; every total is checked. Then
// `efficiency`: the ideal (the kernel over n on one thread, divided by the
// workers) over a run of the pool, from the two in alternation
// (stats/paired_ratio.hpp), in the first repetition only (RatiosDue); above
// 1.1 it is impossible and is not reported.
template <class Run>
void measure_sumsq(benchmark::State& state, std::uint64_t n, unsigned workers, std::size_t tasks, RatiosDue& ratios,
                   Run run) {
    const uint128 expected = *sum_of_squares_closed_form(n);
    LoopMeter meter;
    std::uint64_t verified = 0;
    for (auto _ : state) {
        if (const uint128 got = run(); got != expected) throw std::runtime_error(wrong_sum(n, got));
        ++verified;
    }
    const double seconds = meter.finish(state);
    report_verified(state, verified);
    std::string notes;
    const stats::TimedRun ideal = [n, workers] { return kernel_seconds(n) / workers; };
    const stats::TimedRun pool_run = [&] {
        const auto start = std::chrono::steady_clock::now();
        if (const uint128 got = run(); got != expected) throw std::runtime_error(wrong_sum(n, got));
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    if (ratios.take(state, seconds))
        report_paired_ratio(
            state, "efficiency", ideal, pool_run,
            [](double efficiency) -> std::optional<std::string> {
                if (efficiency > 1.1) return "an efficiency of " + std::to_string(efficiency);
                return std::nullopt;
            },
            notes);
    state.counters["tasks"] = static_cast<double>(tasks);
    state.counters["us_per_task"] = seconds * 1e6 / static_cast<double>(tasks);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
    state.SetLabel("sum=" + to_decimal(expected) + notes);
}

void pool_sumsq(benchmark::State& state, Backend backend, Feed feed, unsigned workers, std::uint64_t n,
                std::uint64_t chunk, std::filesystem::path worker_executable, const RatiosOnce& ratios) {
    run_or_skip(state, [&] {
        pool::Pool pool(pool_options(backend, feed, workers, -1, worker_executable));
        const std::vector<pool::PoolTask> tasks = pool::sumsq_tasks(n, chunk);
        // Warm-up, untimed: one task per worker (a whole sum would double the
        // cost of the slowest cases, which run a single iteration).
        pool.map(std::span(tasks).first(std::min<std::size_t>(workers, tasks.size())));
        measure_sumsq(state, n, workers, tasks.size(), *ratios, [&] {
            uint128 total = 0;
            for (uint128 value : pool.map(tasks)) total += value;
            return total;
        });
    });
}

void per_task_sumsq(benchmark::State& state, Launcher launcher, unsigned workers, std::uint64_t n, std::uint64_t chunk,
                    const RatiosOnce& ratios) {
    run_or_skip(state, [&] {
        pool::PerTaskSumOfSquares per_task(launcher, workers, n, chunk);
        measure_sumsq(state, n, workers, per_task.tasks(), *ratios, [&] { return per_task.run(); });
    });
}

BenchmarkName pool_name(Backend backend, Feed feed, unsigned workers) {
    BenchmarkName name("pool", to_string(backend));
    name.param("mechanism", ipc::to_string(feed.mechanism));
    if (ipc::offers_wait_modes(feed.mechanism)) name.param("wait", ipc::to_string(feed.wait));
    return std::move(name.param("workers", workers));
}

}  // namespace

void register_pool_benchmarks(const SuiteOptions& options) {
    // The back-ends named with --backends that a pool can run on (thread, fork, posix_spawn).
    std::vector<Backend> backends;
    for (Backend backend : options.backends(pool_backends))
        if (std::ranges::find(pool_backends, backend) != std::end(pool_backends)) backends.push_back(backend);
    for (Backend backend : backends)
        for (Feed feed : feeds)
            benchmark::RegisterBenchmark(pool_name(backend, feed, 1)
                                             .param("cpus", to_string(Placement::cross))
                                             .param("task", "empty")
                                             .str()
                                             .c_str(),
                                         dispatch_latency, backend, feed, options.worker_executable)
                ->UseRealTime()
                ->Unit(benchmark::kMicrosecond)
                ->Iterations(static_cast<benchmark::IterationCount>(options.round_trips));

    const std::vector<std::uint64_t> sizes =
        options.sumsq_n.empty() ? std::vector<std::uint64_t>{default_n} : options.sumsq_n;
    const std::vector<unsigned> worker_counts =
        options.sumsq_workers.empty() ? std::vector<unsigned>{default_workers} : options.sumsq_workers;
    for (std::uint64_t n : sizes)
        for (unsigned workers : worker_counts) {
            std::vector<std::uint64_t> chunks;
            for (std::uint64_t chunk : chunk_sizes)
                if (chunk < n / workers) chunks.push_back(chunk);
            chunks.push_back(std::max<std::uint64_t>(1, n / workers));
            for (std::uint64_t chunk : chunks)
                for (Backend backend : backends) {
                    for (Feed feed : feeds)
                        benchmark::RegisterBenchmark(pool_name(backend, feed, workers)
                                                         .param("task", "squares")
                                                         .param("n", n)
                                                         .param("chunk", chunk)
                                                         .str()
                                                         .c_str(),
                                                     pool_sumsq, backend, feed, workers, n, chunk,
                                                     options.worker_executable,
                                                     std::make_shared<RatiosDue>(pool_min_time))
                            ->UseRealTime()
                            ->Unit(benchmark::kMillisecond)
                            ->MinTime(pool_min_time);
                    if (chunk < min_per_task_chunk) continue;
                    benchmark::RegisterBenchmark(BenchmarkName("pool", to_string(backend))
                                                     .word("per_task")
                                                     .param("workers", workers)
                                                     .param("task", "squares")
                                                     .param("n", n)
                                                     .param("chunk", chunk)
                                                     .str()
                                                     .c_str(),
                                                 per_task_sumsq, options.launcher(backend), workers, n, chunk,
                                                 std::make_shared<RatiosDue>(pool_min_time))
                        ->UseRealTime()
                        ->Unit(benchmark::kMillisecond)
                        ->MinTime(pool_min_time);
                }
        }
}

}  // namespace tvp::bench
