// Scenario `iobound`: the chapter's "Uso ideale": workers that mostly wait,
// in waits per second and CPU time per wait, per back-end.
#include <chrono>
#include <stdexcept>
#include <string>

#include "io_bound/io_bound.hpp"
#include "bench_support.hpp"
#include "launch/launcher.hpp"
#include "scenarios.hpp"

namespace tvp::bench {

namespace {

constexpr unsigned waits_per_worker = 20;
constexpr std::chrono::microseconds wait_period{1000};

void io_bound(benchmark::State& state, const Launcher& launcher, unsigned workers) {
    run_or_skip(state, [&] {
        if (auto reason = would_not_fit(launcher.backend(), workers)) throw std::runtime_error("skipped: " + *reason);
        double seconds = 0, cpu = 0, waits = 0;
        std::uint64_t verified = 0;
        for (auto _ : state) {
            const IoBoundRun run = run_io_bound(launcher, workers, waits_per_worker, wait_period);
            // Each worker waits its full time: a run shorter than that skipped waits.
            if (run.seconds < waits_per_worker * std::chrono::duration<double>(wait_period).count())
                throw std::runtime_error("a run ended before its workers could have waited");
            if (run.waits != std::uint64_t{workers} * waits_per_worker)
                throw std::runtime_error(std::to_string(run.waits) + " waits completed, " +
                                         std::to_string(workers * waits_per_worker) + " were started");
            seconds += run.seconds;
            cpu += run.cpu_seconds;
            waits += static_cast<double>(run.waits);
            ++verified;
        }
        report_verified(state, verified);
        state.counters["waits_per_second"] = waits / seconds;
        state.counters["cpu_us_per_wait"] = cpu * 1e6 / waits;
    });
}

}  // namespace

void register_io_bound_benchmarks(const SuiteOptions& options) {
    for (unsigned workers : {1u, 4u, 16u, 64u, 256u})
        for (Backend backend : options.backends(default_backends))
            benchmark::RegisterBenchmark(
                BenchmarkName("iobound", to_string(backend)).param("workers", workers).str().c_str(), io_bound,
                options.launcher(backend), workers)
                ->UseRealTime()
                ->Unit(benchmark::kMillisecond);
}

}  // namespace tvp::bench
