// Scenario `manager`: the chapter's "Comunicazione tra Processi" 3. W workers
// each perform K operations on a shared dict and list under a lock, through
// three stores: memory (threads), a shared segment with a robust mutex, and a
// manager server answering each request over a socket (Python's design). The
// store is emptied before, and verified after, every run, outside the timing;
// `verified` counts the runs whose final state was checked in full, and
// equals the iterations when the benchmark succeeds.
#include <unistd.h>

#include <chrono>

#include "bench_support.hpp"
#include "launcher.hpp"
#include "manager/server_session.hpp"
#include "manager/stores.hpp"
#include "scenarios.hpp"

namespace tvp::bench {

namespace {

using namespace tvp::manager;

enum class Store { memory, shm, server };

const char* to_string(Store store) {
    switch (store) {
        case Store::memory: return "memory";
        case Store::shm: return "shm";
        case Store::server: return "server";
    }
    return "unknown";
}

// Operations per worker and run: enough that starting the workers is a small
// part of the run (a server round trip costs tens of microseconds here).
std::uint64_t operations_for(Store store) { return store == Store::server ? 200 : 200'000; }


// 1 for a run whose verification checked all its `appends` list entries.
std::uint64_t verified_run(std::uint64_t checked, std::uint64_t appends) {
    if (checked != appends)
        throw std::logic_error("the verification checked " + std::to_string(checked) + " of " + std::to_string(appends) +
                               " list entries");
    return 1;
}

// Times the workers' part of each run; setup and verification are paused.
// `verify` checks the store and returns the list entries it checked.
template <class Reset, class TasksFor, class Verify>
void timed_runs(benchmark::State& state, const Launcher& launcher, unsigned workers, std::uint64_t operations, Mix mix,
                Reset reset, TasksFor tasks_for, Verify verify) {
    std::vector<Task> tasks;
    for (unsigned worker = 0; worker < workers; ++worker) tasks.push_back(tasks_for(worker));
    const std::uint64_t appends = total_appends(workers, operations, mix);
    std::uint64_t verified_runs = 0;
    LoopMeter meter;
    std::chrono::duration<double> working{0};
    for (auto _ : state) {
        state.PauseTiming();
        reset();
        state.ResumeTiming();
        const auto start = std::chrono::steady_clock::now();
        run_all(launcher, tasks);
        working += std::chrono::steady_clock::now() - start;
        state.PauseTiming();
        verified_runs += verified_run(verify(), appends);  // one statement: no count without the check
        state.ResumeTiming();
    }
    meter.finish(state);
    const double total_operations = static_cast<double>(state.iterations()) * workers * static_cast<double>(operations);
    state.counters["ns_per_op"] = working.count() * 1e9 / std::max(total_operations, 1.0);
    state.counters["ops_per_second"] = total_operations / std::max(working.count(), 1e-12);
    report_verified(state, verified_runs);
}

void manager_benchmark(benchmark::State& state, const Launcher& launcher, Store store, unsigned workers, Mix mix) {
    run_or_skip(state, [&] {
        const Backend backend = launcher.backend();
        const std::uint64_t operations = operations_for(store);
        const bool spawned = runs_worker_executable(backend);
        const std::string mix_name(to_string(mix));
        auto spawned_task = [&](const char* name, std::vector<std::string> args) {
            return Task{.name = name, .args = std::move(args), .function = {}};
        };
        auto function_task = [](std::function<int()> body) { return Task{.name = {}, .args = {}, .function = std::move(body)}; };

        if (store == Store::memory) {
            MemoryStore memory;
            timed_runs(
                state, launcher, workers, operations, mix, [&] { memory.reset(workers, operations, mix); },
                [&](unsigned worker) {
                    return function_task([&memory, worker, operations, mix] {
                        memory.run_worker(worker, operations, mix);
                        return 0;
                    });
                },
                [&] { return memory.verify(workers, operations, mix); });
        } else if (store == Store::shm) {
            ShmStore shared = ShmStore::create(ShmStore::bytes_needed(workers, operations, mix));
            timed_runs(
                state, launcher, workers, operations, mix, [&] { shared.reset(workers, operations, mix); },
                [&](unsigned worker) {
                    if (spawned)
                        return spawned_task("manager_shm_worker", {shared.name(), std::to_string(worker),
                                                                   std::to_string(operations), mix_name});
                    return function_task([&shared, worker, operations, mix] {
                        shared.run_worker(worker, operations, mix);  // the forked child's inherited mapping
                        return 0;
                    });
                },
                [&] { return shared.verify(workers, operations, mix); });
        } else {
            const std::uint64_t appends = total_appends(workers, operations, mix);
            ServerSession server(launcher, workers, appends);
            timed_runs(
                state, launcher, workers, operations, mix, [&] { server.control().reset(appends); },
                [&](unsigned worker) { return server.worker_task(worker, operations, mix); },
                [&] { return verify_server_state(server.control(), workers, operations, mix); });
            server.stop();
        }
    });
}

}  // namespace

void register_manager_benchmarks(const SuiteOptions& options) {
    constexpr unsigned worker_counts[] = {1, 2, 4, 8};
    for (Mix mix : {Mix::write, Mix::read90})
        for (unsigned workers : worker_counts)
            for (Backend backend : all_backends) {
                const std::vector<Store> stores =
                    backend == Backend::thread ? std::vector<Store>{Store::memory} : std::vector<Store>{Store::shm, Store::server};
                for (Store store : stores)
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
