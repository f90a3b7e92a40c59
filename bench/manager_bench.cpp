// Scenario `manager`: the chapter's "Comunicazione tra Processi" 3. W workers
// each perform K operations on a shared dict and list under a lock, through
// three stores: memory (threads), a shared segment with a robust mutex, and a
// manager server answering each request over a socket (Python's design). The
// store is emptied before, and verified after, every run, outside the timing;
// `verified` counts the runs whose final state was checked in full, and
// equals the iterations when the benchmark succeeds.
#include <chrono>
#include <memory>

#include "bench_support.hpp"
#include "launch/launcher.hpp"
#include "manager/server_session.hpp"
#include "manager/store_task.hpp"
#include "manager/stores.hpp"
#include "scenarios.hpp"

namespace tvp::bench {

namespace {

using namespace tvp::manager;

enum class StoreKind { memory, shm, server };

const char* to_string(StoreKind kind) {
    switch (kind) {
        case StoreKind::memory: return "memory";
        case StoreKind::shm: return "shm";
        case StoreKind::server: return "server";
    }
    return "unknown";
}

// Operations per worker and run: enough that starting the workers is a small
// part of the run (a server round trip costs tens of microseconds here).
std::uint64_t operations_for(StoreKind kind) { return kind == StoreKind::server ? 200 : 200'000; }

// The one place that tells the stores apart: everything after it goes through Store.
std::unique_ptr<Store> make_store(StoreKind kind, const Launcher& launcher, unsigned workers, std::uint64_t operations,
                                  Mix mix) {
    switch (kind) {
        case StoreKind::memory: return std::make_unique<MemoryStore>();
        case StoreKind::shm:
            return std::make_unique<ShmStore>(ShmStore::create(ShmStore::bytes_needed(workers, operations, mix)));
        case StoreKind::server:
            return std::make_unique<ServerSession>(launcher, workers, total_appends(workers, operations, mix));
    }
    throw std::logic_error("unknown store");
}

// 1 for a run whose verification checked all its `appends` list entries.
std::uint64_t verified_run(std::uint64_t checked, std::uint64_t appends) {
    if (checked != appends)
        throw std::logic_error("the verification checked " + std::to_string(checked) + " of " +
                               std::to_string(appends) + " list entries");
    return 1;
}

// Times the workers' part of each run; the store's reset and verification are paused.
void timed_runs(benchmark::State& state, const Launcher& launcher, Store& store, unsigned workers,
                std::uint64_t operations, Mix mix) {
    std::vector<Task> tasks;
    for (unsigned worker = 0; worker < workers; ++worker)
        tasks.push_back(store_worker_task(store, launcher.backend(), worker, operations, mix));
    const std::uint64_t appends = total_appends(workers, operations, mix);
    std::uint64_t verified_runs = 0;
    LoopMeter meter;
    std::chrono::duration<double> working{0};
    for (auto _ : state) {
        state.PauseTiming();
        store.reset(workers, operations, mix);
        state.ResumeTiming();
        const auto start = std::chrono::steady_clock::now();
        run_all(launcher, tasks);
        working += std::chrono::steady_clock::now() - start;
        state.PauseTiming();
        verified_runs += verified_run(store.verify(workers, operations, mix), appends);  // no count without the check
        state.ResumeTiming();
    }
    meter.finish(state);
    const double total_operations = static_cast<double>(state.iterations()) * workers * static_cast<double>(operations);
    state.counters["ns_per_op"] = working.count() * 1e9 / std::max(total_operations, 1.0);
    state.counters["ops_per_second"] = total_operations / std::max(working.count(), 1e-12);
    report_verified(state, verified_runs);
}

void manager_benchmark(benchmark::State& state, const Launcher& launcher, StoreKind kind, unsigned workers, Mix mix) {
    run_or_skip(state, [&] {
        const std::uint64_t operations = operations_for(kind);
        const std::unique_ptr<Store> store = make_store(kind, launcher, workers, operations, mix);
        timed_runs(state, launcher, *store, workers, operations, mix);
        store->finish();
    });
}

}  // namespace

void register_manager_benchmarks(const SuiteOptions& options) {
    constexpr unsigned worker_counts[] = {1, 2, 4, 8};
    for (Mix mix : {Mix::write, Mix::read90})
        for (unsigned workers : worker_counts)
            for (Backend backend : options.backends(default_backends)) {
                const std::vector<StoreKind> stores = shares_address_space(backend)
                                                          ? std::vector<StoreKind>{StoreKind::memory}
                                                          : std::vector<StoreKind>{StoreKind::shm, StoreKind::server};
                for (StoreKind store : stores)
                    benchmark::RegisterBenchmark(BenchmarkName("manager", to_string(backend))
                                                     .param("store", to_string(store))
                                                     .param("workers", workers)
                                                     .param("mix", to_string(mix))
                                                     .str()
                                                     .c_str(),
                                                 manager_benchmark, options.launcher(backend), store, workers, mix)
                        ->UseRealTime()
                        ->Unit(benchmark::kMillisecond);
            }
}

}  // namespace tvp::bench
