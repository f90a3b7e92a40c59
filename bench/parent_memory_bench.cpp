// The parent's memory, beyond its touched size:
//  - create/<back-end>/workers:1/parent_mib:M/pages:4k|thp/touched:yes|no: starting
//    one worker from a parent whose M MiB are touched, or only mapped, in
//    4 KiB pages or transparent huge pages (fork copies one entry per 2 MiB);
//  - cow/fork/mib:M/writer:child|parent and cow/thread/mib:M: the copy-on-write
//    bill, the time to write one word in every page of M MiB after fork, by the
//    child or by the parent while the child holds the pages, against a thread
//    writing the same memory (no copy). Timed by the writer itself (manual time).
#include <algorithm>
#include <string_view>
#include <vector>

#include "bench_support.hpp"
#include "launch/demo_tasks.hpp"
#include "launch/launcher.hpp"
#include "task/typed_task.hpp"
#include "memory/copy_on_write.hpp"
#include "os/anonymous_memory.hpp"
#include "scenarios.hpp"

namespace tvp::bench {

namespace {

constexpr std::size_t parent_mib = 512;  // the create sweep's largest parent
constexpr std::size_t cow_mib = 64;
// Each repetition first maps (and touches) 512 MiB; a shorter run per repetition
// keeps the family's share of the default suite small (at most 60 s for all
// these variants); 0.1 s is still tens of forks even at 512 MiB.
constexpr double short_min_time = 0.1;

struct ParentShape {
    PageSize pages;
    bool touched;
};
// Huge pages only touched: untouched memory has no page of either size.
constexpr ParentShape parent_shapes[] = {{PageSize::small, true}, {PageSize::small, false}, {PageSize::huge, true}};
constexpr Backend creation_backends[] = {Backend::thread, Backend::fork, Backend::posix_spawn};

std::string_view pages_text(PageSize pages) { return pages == PageSize::huge ? "thp" : "4k"; }

void create_beside_parent_memory(benchmark::State& state, const Launcher& launcher, ParentShape shape) {
    run_or_skip(state, [&] {
        const AnonymousMemory parent(parent_mib, {.pages = shape.pages, .touched = shape.touched});
        const std::vector<Task> tasks{make_task(NoopTask{}, launcher.backend())};
        LoopMeter meter;
        std::uint64_t verified = 0;
        for (auto _ : state) {
            run_all(launcher, tasks);
            ++verified;  // the worker ran and exited with 0 (else run_all threw)
        }
        state.counters["us_per_worker"] = meter.finish(state) * 1e6;
        report_verified(state, verified);
    });
}

void copy_on_write_bill(benchmark::State& state, PageWriter writer) {
    run_or_skip(state, [&] {
        const AnonymousMemory memory(cow_mib);
        std::uint64_t pattern = 1;
        write_pattern(memory.bytes(), pattern);
        double total_seconds = 0;
        std::uint64_t verified = 0;
        for (auto _ : state) {
            // Throws unless the writer's writes read back and the other side kept the old pattern.
            const PageWrites writes = time_page_writes(memory.bytes(), pattern, writer);
            state.SetIterationTime(writes.seconds);
            total_seconds += writes.seconds;
            pattern = writes.pattern;
            ++verified;
        }
        state.counters["us_per_mib"] =
            benchmark::Counter(total_seconds * 1e6 / cow_mib, benchmark::Counter::kAvgIterations);
        report_verified(state, verified);
    });
}

}  // namespace

void register_parent_memory_benchmarks(const SuiteOptions& options) {
    const std::vector<Backend> backends = options.backends(creation_backends);
    const auto selected = [&](Backend backend) { return std::ranges::find(backends, backend) != backends.end(); };
    for (Backend backend : backends)
        for (ParentShape shape : parent_shapes)
            benchmark::RegisterBenchmark(BenchmarkName("create", to_string(backend))
                                             .param("workers", 1)
                                             .param("parent_mib", parent_mib)
                                             .param("pages", pages_text(shape.pages))
                                             .param("touched", shape.touched ? "yes" : "no")
                                             .str()
                                             .c_str(),
                                         create_beside_parent_memory, options.launcher(backend), shape)
                ->UseRealTime()
                ->Unit(benchmark::kMicrosecond)
                ->MinTime(short_min_time);

    auto register_cow = [](BenchmarkName name, PageWriter writer) {
        return benchmark::RegisterBenchmark(name.str().c_str(), copy_on_write_bill, writer)
            ->UseManualTime()
            ->Unit(benchmark::kMicrosecond);
    };
    if (selected(Backend::fork)) {
        register_cow(BenchmarkName("cow", "fork").param("mib", cow_mib).param("writer", "child"),
                     PageWriter::forked_child);
        register_cow(BenchmarkName("cow", "fork").param("mib", cow_mib).param("writer", "parent"), PageWriter::parent);
    }
    // A thread's writes copy nothing: ~0.2 ms for 64 MiB, against ~1 ms of checks around them. Its own
    // minimum time (0.05 s of writes, hundreds of iterations) keeps the unmeasured checks from taking seconds.
    if (selected(Backend::thread))
        register_cow(BenchmarkName("cow", "thread").param("mib", cow_mib), PageWriter::thread)->MinTime(0.05);
}

}  // namespace tvp::bench
