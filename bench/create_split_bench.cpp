// Family `create_split` of the create scenario: one worker started and reaped
// at a time, and its cost split in three, per back-end, at parent sizes 0 and
// 512 MiB: until the child runs its first instruction (first_run_us), the
// parent blocked in the start call (parent_blocked_us: vfork, clone3's
// CLONE_VFORK and glibc's posix_spawn hold it until the child execs; fork
// until the page tables are copied), and start to reap (reap_us); p50 over a
// fixed number of samples. What "first instruction" means per back-end:
// src/launch/clock_stamp_task.hpp.
#include <cstdint>
#include <vector>

#include "bench_support.hpp"
#include "latency_stats.hpp"
#include "creation/creation_split.hpp"
#include "launch/launcher.hpp"
#include "os/touched_memory.hpp"
#include "scenarios.hpp"

namespace tvp::bench {

namespace {

constexpr std::size_t split_parent_mib[] = {0, 512};
// One sample per iteration, a fixed number: fewer with the large parent, where
// a fork takes some 40 ms, to keep the default run short.
benchmark::IterationCount split_samples(std::size_t parent_mib) { return parent_mib == 0 ? 50 : 20; }

void create_split(benchmark::State& state, const Launcher& launcher, std::size_t parent_mib) {
    run_or_skip(state, [&] {
        TouchedMemory parent(parent_mib);
        CreationProbe probe;
        std::vector<std::int64_t> first_run, blocked, reap;
        std::uint64_t verified = 0;
        for (auto _ : state) {
            const CreationSplit split = probe.measure_once(launcher);  // throws unless the stamp is in its place
            first_run.push_back(split.first_run_ns);
            blocked.push_back(split.parent_blocked_ns);
            reap.push_back(split.reap_ns);
            ++verified;
        }
        report_verified(state, verified);
        state.counters["samples"] = static_cast<double>(reap.size());
        if (reap.empty()) return;
        state.counters["first_run_us"] = percentile_us(first_run, 0.5);
        state.counters["parent_blocked_us"] = percentile_us(blocked, 0.5);
        state.counters["reap_us"] = percentile_us(reap, 0.5);
    });
}

}  // namespace

void register_create_split_benchmarks(const SuiteOptions& options) {
    for (std::size_t mib : split_parent_mib)
        for (Backend backend : options.backends(all_backends))
            benchmark::RegisterBenchmark(
                BenchmarkName("create_split", to_string(backend)).param("parent_mib", mib).str().c_str(), create_split,
                options.launcher(backend), mib)
                ->Iterations(split_samples(mib))
                ->UseRealTime()
                ->Unit(benchmark::kMicrosecond);
}

}  // namespace tvp::bench
