// Scenario `sumsq`: the chapter's "Calcolo Parallelo", exact, on every back-end,
// with a scaling study over workers and n; and `sumsq_kernel`, the
// single-thread loop every worker runs.
#include <algorithm>
#include <map>
#include <span>
#include <thread>
#include <tuple>

#include "bench_support.hpp"
#include "launch/launcher.hpp"
#include "sumsq/parallel_sumsq.hpp"
#include "scenarios.hpp"
#include "sumsq/sumsq.hpp"

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

std::string wrong_sum_message(std::uint64_t n, uint128 got, uint128 expected) {
    return "wrong sum for n=" + std::to_string(n) + ": got " + to_decimal(got) + ", expected " + to_decimal(expected);
}

// The reference times behind `speedup` (this back-end, 1 worker) and
// `speed_vs_thread` (the thread back-end, same workers). Each is measured the
// same way whatever ran before it: one warm-up run, then verified runs until
// there are at least 5 and 0.1 s has passed, and their median; once per
// process, then kept. So every row carries both counters, and their values do
// not depend on which benchmarks the filter kept or how they were interleaved.
// Keyed by back-end: every launcher of a run starts the same worker program.
using RunKey = std::tuple<Backend, unsigned, std::uint64_t>;
double reference_seconds(const Launcher& launcher, unsigned workers, std::uint64_t n, uint128 expected) {
    static std::map<RunKey, double> measured;
    const RunKey key{launcher.backend(), workers, n};
    if (auto found = measured.find(key); found != measured.end()) return found->second;
    ParallelSumOfSquares reference(launcher, workers);
    auto timed_run = [&] {
        const auto start = std::chrono::steady_clock::now();
        const uint128 got = reference.run(n);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (got != expected) throw std::runtime_error(wrong_sum_message(n, got, expected));
        return seconds;
    };
    timed_run();  // warm-up: first page faults, first start of this back-end
    std::vector<double> runs;
    double elapsed = 0;
    while (runs.size() < 5 || (elapsed < 0.1 && runs.size() < 1000)) {
        runs.push_back(timed_run());
        elapsed += runs.back();
    }
    std::nth_element(runs.begin(), runs.begin() + static_cast<std::ptrdiff_t>(runs.size() / 2), runs.end());
    return measured[key] = runs[runs.size() / 2];
}

void parallel_sum(benchmark::State& state, const Launcher& launcher, unsigned workers, std::uint64_t n) {
    run_or_skip(state, [&] {
        ParallelSumOfSquares parallel(launcher, workers);
        const uint128 expected = *sum_of_squares_closed_form(n);
        const double single_seconds = reference_seconds(launcher, 1, n, expected);
        // Threads start no program: the worker executable plays no part here.
        const double thread_seconds = reference_seconds(Launcher(Backend::thread), workers, n, expected);

        LoopMeter meter;
        std::uint64_t verified = 0;
        for (auto _ : state) {
            const uint128 got = parallel.run(n);
            if (got != expected) throw std::runtime_error(wrong_sum_message(n, got, expected));
            ++verified;
        }
        const double seconds = meter.finish(state);
        report_verified(state, verified);

        const double speedup = single_seconds / seconds;
        state.counters["speedup"] = speedup;
        state.counters["efficiency"] = speedup / workers;
        state.counters["speed_vs_thread"] = thread_seconds / seconds;
        state.counters["ns_per_element"] = seconds * 1e9 / static_cast<double>(n);
        state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
        state.SetLabel("sum=" + to_decimal(expected));
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
    const std::vector<std::uint64_t> sizes =
        options.sumsq_n.empty() ? std::vector<std::uint64_t>(std::begin(default_n), std::end(default_n))
                                : options.sumsq_n;
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
                    parallel_sum, options.launcher(backend), workers, n)
                    ->UseRealTime()
                    ->Unit(benchmark::kMillisecond);
            }
}

}  // namespace tvp::bench
