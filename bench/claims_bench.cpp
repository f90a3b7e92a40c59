// Scenarios `memory`, `iobound` and `isolation`: the chapter's remaining claims
// ("Spazio di memoria", "Uso ideale", "Quando usare i processi") in numbers.
#include <chrono>
#include <csignal>
#include <vector>

#include "bench_support.hpp"
#include "claims/io_bound.hpp"
#include "claims/isolation.hpp"
#include "claims/memory_probe.hpp"
#include "launcher.hpp"
#include "scenarios.hpp"

namespace tvp::bench {

namespace {

using namespace tvp::claims;

constexpr unsigned waits_per_worker = 20;
constexpr std::chrono::microseconds wait_period{1000};

void memory_per_worker(benchmark::State& state, const Launcher& launcher, unsigned workers, std::size_t write_mib) {
    run_or_skip(state, [&] {
        // The parent's buffer, resident before the workers start; fork's
        // children then copy each page they write.
        std::vector<std::byte> parent_buffer(write_mib << 20, std::byte{1});
        double rss = 0, pss = 0;
        std::uint64_t verified = 0;
        for (auto _ : state) {
            const WorkerMemory memory = measure_worker_memory(launcher, workers, parent_buffer);
            if (memory.pss_bytes_per_worker > memory.rss_bytes_per_worker + 4096)
                throw std::runtime_error("Pss above Rss: the measurement is wrong");
            rss += memory.rss_bytes_per_worker;
            pss += memory.pss_bytes_per_worker;
            ++verified;
        }
        report_verified(state, verified);
        state.counters["rss_bytes_per_worker"] = benchmark::Counter(rss, benchmark::Counter::kAvgIterations);
        state.counters["pss_bytes_per_worker"] = benchmark::Counter(pss, benchmark::Counter::kAvgIterations);
    });
}

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

void isolation(benchmark::State& state, const Launcher& launcher, unsigned workers) {
    run_or_skip(state, [&] {
        constexpr std::uint64_t n = 10'000'000;
        double detect = 0, replace = 0;
        std::uint64_t verified = 0;
        IsolationRun run;
        for (auto _ : state) {
            run = crash_one_worker(launcher, workers, n);
            const unsigned expected_survivors = launcher.backend() == Backend::thread ? 0 : workers - 1;
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

void register_claims_benchmarks(const SuiteOptions& options) {
    for (unsigned workers : {1u, 16u, 64u})
        for (Backend backend : all_backends)
            benchmark::RegisterBenchmark(
                BenchmarkName("memory", to_string(backend)).param("workers", workers).str().c_str(),
                memory_per_worker, options.launcher(backend), workers, std::size_t{0})
                ->UseRealTime()
                ->Unit(benchmark::kMillisecond);
    // Writing the parent's 64 MiB: copy-on-write at work for fork, nothing new for threads.
    constexpr std::size_t write_mib = 64;
    for (unsigned workers : {1u, 16u})
        for (Backend backend : {Backend::thread, Backend::fork})
            benchmark::RegisterBenchmark(
                BenchmarkName("memory", to_string(backend))
                    .param("workers", workers)
                    .param("write_mib", write_mib)
                    .str()
                    .c_str(),
                memory_per_worker, options.launcher(backend), workers, write_mib)
                ->UseRealTime()
                ->Unit(benchmark::kMillisecond);
    for (unsigned workers : {1u, 4u, 16u, 64u, 256u})
        for (Backend backend : all_backends)
            benchmark::RegisterBenchmark(
                BenchmarkName("iobound", to_string(backend)).param("workers", workers).str().c_str(), io_bound,
                options.launcher(backend), workers)
                ->UseRealTime()
                ->Unit(benchmark::kMillisecond);
    constexpr unsigned isolation_workers = 4;
    for (Backend backend : all_backends)
        benchmark::RegisterBenchmark(
            BenchmarkName("isolation", to_string(backend)).param("workers", isolation_workers).str().c_str(),
            isolation, options.launcher(backend), isolation_workers)
            ->UseRealTime()
            ->Unit(benchmark::kMillisecond);
}

}  // namespace tvp::bench
