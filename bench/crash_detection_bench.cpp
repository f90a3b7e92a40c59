// Family `detect` of the isolation scenario: from a worker's abort() (it
// stamps CLOCK_MONOTONIC just before) to the parent knowing, through a
// signalfd for SIGCHLD, the worker's pidfd in poll(), a blocking wait, or the
// robust mutex the worker held coming back EOWNERDEAD to the parent's lock();
// p50 over a fixed number of samples, per process back-end. Threads have no
// such benchmark: a thread's abort() ends its whole process, parent included.
#include <cstdint>
#include <vector>

#include "bench_support.hpp"
#include "isolation/crash_detection.hpp"
#include "latency_stats.hpp"
#include "launch/launcher.hpp"
#include "scenarios.hpp"

namespace tvp::bench {

namespace {

constexpr benchmark::IterationCount detect_samples = 50;

void detect_crash(benchmark::State& state, const Launcher& launcher, DetectMethod method) {
    run_or_skip(state, [&] {
        CrashDetector detector(launcher, method);
        std::vector<std::int64_t> latencies;
        std::uint64_t verified = 0;
        for (auto _ : state) {
            latencies.push_back(
                detector.measure_once());  // throws unless the worker died of SIGABRT, seen after its stamp
            ++verified;
        }
        report_verified(state, verified);
        state.counters["samples"] = static_cast<double>(latencies.size());
        if (!latencies.empty()) state.counters["detect_p50_us"] = percentile_us(latencies, 0.5);
    });
}

}  // namespace

void register_crash_detection_benchmarks(const SuiteOptions& options) {
    for (Backend backend : options.backends(all_backends)) {
        if (shares_address_space(backend)) continue;  // see above
        for (DetectMethod method : detect_methods)
            benchmark::RegisterBenchmark(
                BenchmarkName("isolation", to_string(backend)).param("detect", to_string(method)).str().c_str(),
                detect_crash, options.launcher(backend), method)
                ->Iterations(detect_samples)
                ->UseRealTime()
                ->Unit(benchmark::kMicrosecond);
    }
}

}  // namespace tvp::bench
