// Scenario `memory`: the chapter's "Spazio di memoria" in numbers: what each
// worker adds to the machine's memory (Rss and Pss), per back-end.
#include <cstddef>
#include <stdexcept>
#include <vector>

#include "memory/memory_probe.hpp"
#include "bench_support.hpp"
#include "launch/launcher.hpp"
#include "scenarios.hpp"

namespace tvp::bench {

namespace {

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

}  // namespace

void register_memory_benchmarks(const SuiteOptions& options) {
    for (unsigned workers : {1u, 16u, 64u})
        for (Backend backend : options.backends(default_backends))
            benchmark::RegisterBenchmark(
                BenchmarkName("memory", to_string(backend)).param("workers", workers).str().c_str(), memory_per_worker,
                options.launcher(backend), workers, std::size_t{0})
                ->UseRealTime()
                ->Unit(benchmark::kMillisecond);
    // Writing the parent's 64 MiB: copy-on-write at work for fork, nothing new for threads.
    constexpr std::size_t write_mib = 64;
    for (unsigned workers : {1u, 16u})
        for (Backend backend : {Backend::thread, Backend::fork})
            benchmark::RegisterBenchmark(BenchmarkName("memory", to_string(backend))
                                             .param("workers", workers)
                                             .param("write_mib", write_mib)
                                             .str()
                                             .c_str(),
                                         memory_per_worker, options.launcher(backend), workers, write_mib)
                ->UseRealTime()
                ->Unit(benchmark::kMillisecond);
}

}  // namespace tvp::bench
