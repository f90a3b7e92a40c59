// Scenario `sumsq`: the chapter's "Calcolo Parallelo", exact, on every back-end,
// with a scaling study over workers and n; and `sumsq_kernel`, the
// single-thread loop every worker runs.
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <span>
#include <thread>

#include "bench_support.hpp"
#include "launch/launcher.hpp"
#include "sumsq/parallel_sumsq.hpp"
#include "scenarios.hpp"
#include "sumsq/sumsq.hpp"
#include "paired_counters.hpp"
#include "stats/paired_ratio.hpp"

namespace tvp::bench {

namespace {

// 10^9 (--n=1000000000, or --full_grid) adds little the 10^8 rows do not show and took a third of the
// scenario's time.
constexpr std::uint64_t default_n[] = {10'000, 1'000'000, 100'000'000};
constexpr std::uint64_t kernel_n[] = {10'000, 1'000'000, 100'000'000};
// Per repetition of the parallel sums: the ratios' pairs come on top.
constexpr double sumsq_min_time = 0.05;

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

std::string wrong_sum_message(std::uint64_t n, uint128 got, uint128 expected) {
    return "wrong sum for n=" + std::to_string(n) + ": got " + to_decimal(got) + ", expected " + to_decimal(expected);
}

// One verified run of a sum, timed: what the paired ratios alternate.
stats::TimedRun timed_sum(ParallelSumOfSquares& sum, std::uint64_t n, uint128 expected) {
    return [&sum, n, expected] {
        const auto start = std::chrono::steady_clock::now();
        const uint128 got = sum.run(n);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (got != expected) throw std::runtime_error(wrong_sum_message(n, got, expected));
        return seconds;
    };
}

// One worker against itself cannot differ by more than noise; no split of
// this loop beats the work divided by the workers by 10%.
std::optional<std::string> impossible_speedup(double speedup, unsigned workers) {
    if (workers == 1 && (speedup < 0.8 || speedup > 1.25))
        return fmt::format("a speedup of {:.3g} on one worker (the same run on both sides)", speedup);
    if (speedup / workers > 1.1) return fmt::format("an efficiency of {:.3g}", speedup / workers);
    return std::nullopt;
}

// `speedup` (this back-end on 1 worker over this run), `efficiency` and
// `speed_vs_thread` (threads on as many workers over this run), each from runs
// in alternation after the timed loop (stats/paired_ratio.hpp), so that a
// burst hits both sides; in the benchmark's first repetition of this run of
// bench only (RatiosDue). Returns the notes for the label.
std::string report_ratios(benchmark::State& state, const Launcher& launcher, ParallelSumOfSquares& measured,
                          unsigned workers, std::uint64_t n, uint128 expected) {
    std::string notes;
    // On one worker the reference is this very configuration: its pairs measure
    // the noise, and the speedup must come out 1 within its interval. (Here a
    // one-worker thread run of n = 10^4 took 12 µs and about 40 µs on
    // alternate runs, steadily: pairs in a fixed order read that as a speedup
    // of 3; paired_ratio draws each pair's order.)
    std::optional<ParallelSumOfSquares> one_worker;
    if (workers != 1) one_worker.emplace(launcher, 1);
    const stats::TimedRun run_measured = timed_sum(measured, n, expected);
    const auto speedup = report_paired_ratio(
        state, "speedup", timed_sum(one_worker ? *one_worker : measured, n, expected), run_measured,
        [workers](double value) { return impossible_speedup(value, workers); }, notes);
    if (speedup) {
        state.counters["efficiency"] = speedup->median / workers;
        state.counters["efficiency_ci_pct"] = 100 * speedup->half_width();
    }
    if (launcher.backend() == Backend::thread) {
        state.counters["speed_vs_thread"] = 1;  // threads against threads: the same configuration
        return notes;
    }
    // Threads start no program: the worker executable plays no part.
    ParallelSumOfSquares threads(Launcher(Backend::thread), workers);
    report_paired_ratio(state, "speed_vs_thread", timed_sum(threads, n, expected), run_measured, {}, notes);
    return notes;
}

void parallel_sum(benchmark::State& state, const Launcher& launcher, unsigned workers, std::uint64_t n,
                  const RatiosOnce& ratios) {
    run_or_skip(state, [&] {
        ParallelSumOfSquares parallel(launcher, workers);
        const uint128 expected = *sum_of_squares_closed_form(n);

        LoopMeter meter;
        std::uint64_t verified = 0;
        for (auto _ : state) {
            const uint128 got = parallel.run(n);
            if (got != expected) throw std::runtime_error(wrong_sum_message(n, got, expected));
            ++verified;
        }
        const double seconds = meter.finish(state);
        report_verified(state, verified);
        const std::string notes =
            ratios->take(state, seconds) ? report_ratios(state, launcher, parallel, workers, n, expected) : "";
        state.counters["ns_per_element"] = seconds * 1e9 / static_cast<double>(n);
        state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
        state.SetLabel("sum=" + to_decimal(expected) + notes);
    });
}

using Kernel = uint128 (*)(std::uint64_t, std::uint64_t);

void kernel_loop(benchmark::State& state, Kernel kernel, std::uint64_t n) {
    const uint128 expected = *sum_of_squares_closed_form(n);
    LoopMeter meter;
    std::uint64_t verified = 0;
    for (auto _ : state) {
        std::uint64_t end = n;
        benchmark::DoNotOptimize(end);  // n unknown at compile time, every iteration
        uint128 sum = kernel(0, end);
        benchmark::DoNotOptimize(sum);
        if (sum != expected) {
            state.SkipWithError(wrong_sum_message(n, sum, expected).c_str());
            return;
        }
        ++verified;
    }
    report_verified(state, verified);
    const double ns_per_element = meter.finish(state) * 1e9 / static_cast<double>(n);
    state.counters["ns_per_element"] = ns_per_element;
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
    if (ns_per_element < min_plausible_ns_per_element)
        state.SkipWithError(
            "faster than any loop over n elements can run: the compiler replaced the loop by a "
            "closed form, so nothing was measured");
}

}  // namespace

void register_sumsq_benchmarks(const SuiteOptions& options) {
    std::vector<std::uint64_t> sizes = options.sumsq_n.empty()
                                           ? std::vector<std::uint64_t>(std::begin(default_n), std::end(default_n))
                                           : options.sumsq_n;
    if (options.sumsq_n.empty() && options.full_grid) sizes.push_back(1'000'000'000);
    const std::vector<unsigned> worker_counts =
        options.sumsq_workers.empty() ? default_workers() : options.sumsq_workers;

    // With --n or --workers the user asked for those cases alone: no kernel study.
    const bool default_sweep = options.sumsq_n.empty() && options.sumsq_workers.empty();
    const std::pair<const char*, Kernel> kernels[] = {{"naive", sum_of_squares_naive}, {"fast", sum_of_squares}};
    for (std::uint64_t n : default_sweep ? std::span<const std::uint64_t>(kernel_n) : std::span<const std::uint64_t>())
        for (auto [variant, kernel] : kernels)
            benchmark::RegisterBenchmark(BenchmarkName("sumsq_kernel", variant).param("n", n).str().c_str(),
                                         kernel_loop, kernel, n)
                ->Unit(benchmark::kMillisecond);

    // The back-ends on a shorter sweep (options.full_sweep) run the chapter's
    // case alone, n = 10^8 on 4 workers, unless --n or --workers say otherwise.
    auto in_short_sweep = [&](unsigned workers, std::uint64_t n) {
        return (!options.sumsq_workers.empty() || workers == 4) && (!options.sumsq_n.empty() || n == 100'000'000);
    };
    for (std::uint64_t n : sizes)
        for (unsigned workers : worker_counts)
            for (Backend backend : options.backends(all_backends)) {
                if (!options.full_sweep(backend) && !in_short_sweep(workers, n)) continue;
                benchmark::RegisterBenchmark(
                    BenchmarkName("sumsq", to_string(backend)).param("workers", workers).param("n", n).str().c_str(),
                    parallel_sum, options.launcher(backend), workers, n, std::make_shared<RatiosDue>(sumsq_min_time))
                    ->UseRealTime()
                    ->Unit(benchmark::kMillisecond)
                    ->MinTime(sumsq_min_time);
            }
}

}  // namespace tvp::bench
