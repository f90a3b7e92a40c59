// Scenario `sumsq`: the chapter's "Calcolo Parallelo", exact, on every back-end,
// with a scaling study over workers and n; and `sumsq_kernel`, the
// single-thread loop every worker runs.
#include <algorithm>
#include <map>
#include <span>
#include <thread>
#include <tuple>

#include "bench_support.hpp"
#include "launcher.hpp"
#include "parallel_sumsq.hpp"
#include "scenarios.hpp"
#include "sumsq.hpp"

namespace tvp::bench {

namespace {

constexpr std::uint64_t default_n[] = {10'000, 1'000'000, 100'000'000, 1'000'000'000};
constexpr std::uint64_t kernel_n[] = {10'000, 1'000'000, 100'000'000};

// No loop over n elements runs faster than this (200 elements per ns would be
// some 40 per cycle): a kernel that does is no loop at all, but a closed form
// the compiler substituted, and measures nothing.
constexpr double min_plausible_ns_per_element = 0.005;

std::vector<unsigned> default_workers() {
    std::vector<unsigned> counts{1, 2, 4, 8};
    const unsigned limit = 2 * std::max(1u, std::thread::hardware_concurrency());
    while (counts.back() * 2 <= limit) counts.push_back(counts.back() * 2);
    return counts;
}

// Seconds per run of each (back-end, workers, n) measured so far in this
// process: speedup compares with workers = 1, speed_vs_thread with the thread
// back-end, both from this same run.
using RunKey = std::tuple<Backend, unsigned, std::uint64_t>;
std::map<RunKey, double>& measured_seconds() {
    static std::map<RunKey, double> seconds;
    return seconds;
}

std::string wrong_sum_message(std::uint64_t n, uint128 got, uint128 expected) {
    return "wrong sum for n=" + std::to_string(n) + ": got " + to_decimal(got) + ", expected " + to_decimal(expected);
}

// The single-worker time for the speedup: from this run if that benchmark ran
// already, else measured here (median of 3), before the timed loop.
double single_worker_seconds(const Launcher& launcher, std::uint64_t n, uint128 expected) {
    const RunKey key{launcher.backend(), 1, n};
    if (auto found = measured_seconds().find(key); found != measured_seconds().end()) return found->second;
    ParallelSumOfSquares single(launcher, 1);
    std::vector<double> runs;
    for (int i = 0; i < 3; ++i) {
        const auto start = std::chrono::steady_clock::now();
        const uint128 got = single.run(n);
        runs.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        if (got != expected) throw std::runtime_error(wrong_sum_message(n, got, expected));
    }
    std::sort(runs.begin(), runs.end());
    return measured_seconds()[key] = runs[1];
}

void parallel_sum(benchmark::State& state, Backend backend, unsigned workers, std::uint64_t n,
                  std::filesystem::path worker_executable) {
    run_or_skip(state, [&] {
        const Launcher launcher(backend, worker_executable);
        ParallelSumOfSquares parallel(launcher, workers);
        const uint128 expected = *sum_of_squares_closed_form(n);
        const double single_seconds = single_worker_seconds(launcher, n, expected);

        LoopMeter meter;
        for (auto _ : state) {
            const uint128 got = parallel.run(n);
            if (got != expected) throw std::runtime_error(wrong_sum_message(n, got, expected));
        }
        const double seconds = meter.finish(state);
        measured_seconds()[{backend, workers, n}] = seconds;

        const double speedup = single_seconds / seconds;
        state.counters["speedup"] = speedup;
        state.counters["efficiency"] = speedup / workers;
        state.counters["ns_per_element"] = seconds * 1e9 / static_cast<double>(n);
        if (auto thread = measured_seconds().find({Backend::thread, workers, n}); thread != measured_seconds().end())
            state.counters["speed_vs_thread"] = thread->second / seconds;
        state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
        state.SetLabel("sum=" + to_decimal(expected));
    });
}

using Kernel = uint128 (*)(std::uint64_t, std::uint64_t);

void kernel_loop(benchmark::State& state, Kernel kernel, std::uint64_t n) {
    const uint128 expected = *sum_of_squares_closed_form(n);
    LoopMeter meter;
    for (auto _ : state) {
        std::uint64_t end = n;
        benchmark::DoNotOptimize(end);  // n unknown at compile time, every iteration
        uint128 sum = kernel(0, end);
        benchmark::DoNotOptimize(sum);
        if (sum != expected) {
            state.SkipWithError(wrong_sum_message(n, sum, expected).c_str());
            return;
        }
    }
    const double ns_per_element = meter.finish(state) * 1e9 / static_cast<double>(n);
    state.counters["ns_per_element"] = ns_per_element;
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
    if (ns_per_element < min_plausible_ns_per_element)
        state.SkipWithError("faster than any loop over n elements can run: the compiler replaced the loop by a "
                            "closed form, so nothing was measured");
}

}  // namespace

void register_sumsq_benchmarks(const SuiteOptions& options) {
    const std::filesystem::path worker = options.worker_executable;
    const std::vector<std::uint64_t> sizes =
        options.sumsq_n.empty() ? std::vector<std::uint64_t>(std::begin(default_n), std::end(default_n))
                                : options.sumsq_n;
    const std::vector<unsigned> worker_counts = options.sumsq_workers.empty() ? default_workers()
                                                                              : options.sumsq_workers;

    // With --n or --workers the user asked for those cases alone: no kernel study.
    const bool default_sweep = options.sumsq_n.empty() && options.sumsq_workers.empty();
    const std::pair<const char*, Kernel> kernels[] = {{"naive", sum_of_squares_naive}, {"fast", sum_of_squares}};
    for (std::uint64_t n : default_sweep ? std::span<const std::uint64_t>(kernel_n) : std::span<const std::uint64_t>())
        for (auto [variant, kernel] : kernels)
            benchmark::RegisterBenchmark(benchmark_name({"sumsq_kernel", variant, param("n", n)}).c_str(), kernel_loop,
                                         kernel, n)
                ->Unit(benchmark::kMillisecond);

    // n outermost, then workers, then back-end: workers = 1 and the thread
    // back-end run before the benchmarks whose counters compare with them.
    for (std::uint64_t n : sizes)
        for (unsigned workers : worker_counts)
            for (Backend backend : all_backends)
                benchmark::RegisterBenchmark(
                    benchmark_name({"sumsq", to_string(backend), param("workers", workers), param("n", n)}).c_str(),
                    parallel_sum, backend, workers, n, worker)
                    ->UseRealTime()
                    ->Unit(benchmark::kMillisecond);
}

}  // namespace tvp::bench
