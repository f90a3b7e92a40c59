// Scenario `isolation`: the chapter's "Quando usare i processi": a crashing
// worker, and what survives it, per back-end.
#include <csignal>
#include <stdexcept>
#include <string>

#include "isolation/isolation.hpp"
#include "bench_support.hpp"
#include "launch/launcher.hpp"
#include "scenarios.hpp"

namespace tvp::bench {

namespace {

void isolation(benchmark::State& state, const Launcher& launcher, unsigned workers) {
    run_or_skip(state, [&] {
        constexpr std::uint64_t n = 10'000'000;
        double detect = 0, replace = 0;
        std::uint64_t verified = 0;
        IsolationRun run;
        for (auto _ : state) {
            run = crash_one_worker(launcher, workers, n);
            const unsigned expected_survivors = shares_address_space(launcher.backend()) ? 0 : workers - 1;
            if (run.crash.find("SIGABRT") == std::string::npos || run.survivors != expected_survivors ||
                !run.sum_correct)
                throw std::runtime_error("unexpected outcome: " + run.crash + ", " + std::to_string(run.survivors) +
                                         " survivors, sum " + (run.sum_correct ? "correct" : "wrong"));
            detect += run.detect_seconds;
            replace += run.replace_seconds;
            ++verified;
        }
        report_verified(state, verified);
        const double iterations = static_cast<double>(state.iterations());
        state.counters["detect_ms"] = detect * 1e3 / iterations;
        state.counters["replace_ms"] = replace * 1e3 / iterations;
        state.counters["survivors"] = run.survivors;
        state.SetLabel(run.crash);
    });
}

}  // namespace

void register_isolation_benchmarks(const SuiteOptions& options) {
    constexpr unsigned isolation_workers = 4;
    for (Backend backend : options.backends(all_backends))
        benchmark::RegisterBenchmark(
            BenchmarkName("isolation", to_string(backend)).param("workers", isolation_workers).str().c_str(), isolation,
            options.launcher(backend), isolation_workers)
            ->UseRealTime()
            ->Unit(benchmark::kMillisecond);
    register_crash_detection_benchmarks(options);
}

}  // namespace tvp::bench
