// Scenario `manager` on MPI ranks: the chapter's shared dict and list under a
// lock (src/manager/workload.hpp: the same operations, mixes and verify() as
// bench's `manager`), held by rank 0 in an MPI window (store:window, every rank
// a worker) or by rank 0 as a server (store:server, ranks 1..N-1 the workers).
// One timed iteration is one run: every worker's K operations, timed between
// two barriers (manual time, MPI_Wtime); rank 0 empties the store before and
// verifies it after, outside the time. `ns_per_op` and `ops_per_second` are
// over all the workers' operations, as in bench's manager; `verified` counts
// the runs whose final state was checked in full. The window rows' label says
// which one-sided component Open MPI used (mpirun's --mca osc).
#include <algorithm>
#include <cstdlib>
#include <memory>

#include "mpi_scenarios.hpp"
#include "rank_server_store.hpp"
#include "window_store.hpp"

namespace tvp::mpi {

namespace {

using manager::Mix;

enum class StoreKind { window, server };

const char* to_string(StoreKind kind) { return kind == StoreKind::window ? "window" : "server"; }

// Operations per worker and run: many round trips each (the server's four, the
// window's lock epochs), so fewer than bench's in-memory stores.
std::uint64_t operations_for(StoreKind kind) { return kind == StoreKind::window ? 1000 : 200; }
constexpr double manager_min_time = 0.1;

std::unique_ptr<RankStore> make_store(StoreKind kind, Mix mix, int lose_update_rank) {
    const std::uint64_t operations = operations_for(kind);
    if (kind == StoreKind::window) return std::make_unique<WindowStore>(operations, mix, lose_update_rank);
    return std::make_unique<RankServerStore>(operations, mix, lose_update_rank);
}

void manager_runs(RankRun& run, StoreKind kind, Mix mix, int lose_update_rank) {
    if (kind == StoreKind::server && run.size() < 2) return run.skip(needs_two_ranks_message(run.size()));
    const std::unique_ptr<RankStore> store = make_store(kind, mix, lose_update_rank);  // collective
    const std::uint64_t appends = manager::total_appends(store->workers(), store->operations(), mix);
    std::uint64_t verified_runs = 0;
    double working_seconds = 0;
    run.timed_loop([&] {
        if (run.rank() == 0) store->reset();
        MPI_Barrier(MPI_COMM_WORLD);
        const double start = MPI_Wtime();
        store->run_part(run);
        MPI_Barrier(MPI_COMM_WORLD);
        const double seconds = MPI_Wtime() - start;
        if (!run.leads()) return;
        run.state().SetIterationTime(seconds);
        working_seconds += seconds;
        try {
            const std::uint64_t checked = store->verify();
            if (checked == appends) ++verified_runs;
            else
                run.fail("the verification checked " + std::to_string(checked) + " of " + std::to_string(appends) +
                         " list entries");
        } catch (const std::exception& error) {
            run.fail(error.what());
        }
    });
    if (!run.agree() || !run.leads()) return;
    auto& state = run.state();
    const double operations =
        static_cast<double>(state.iterations()) * store->workers() * static_cast<double>(store->operations());
    state.counters["ns_per_op"] = working_seconds * 1e9 / std::max(operations, 1.0);
    state.counters["ops_per_second"] = operations / std::max(working_seconds, 1e-12);
    state.counters["workers"] = store->workers();
    // Which one-sided component carried the window: on one host Open MPI picks
    // osc sm (shared memory) whatever the btl, unless mpirun names one (--mca osc pt2pt).
    if (kind == StoreKind::window) {
        const char* osc = std::getenv("OMPI_MCA_osc");
        state.SetLabel(std::string("osc=") + (osc != nullptr ? osc : "default (sm on one host)"));
    }
    bench::report_verified(state, verified_runs);
}

}  // namespace

void add_manager_benchmarks(Lockstep& lockstep, const MpiOptions& options, int world_size) {
    for (Mix mix : {Mix::write, Mix::read90})
        for (StoreKind kind : {StoreKind::window, StoreKind::server})
            lockstep.add({mpi_name("manager", "mpi", world_size, options)
                              .param("store", to_string(kind))
                              .param("mix", manager::to_string(mix))
                              .str(),
                          [kind, mix, lose = options.test_lose_update_rank](RankRun& run) {
                              manager_runs(run, kind, mix, lose);
                          },
                          [](benchmark::internal::Benchmark* registered) {
                              registered->UseManualTime()->Unit(benchmark::kMicrosecond)->MinTime(manager_min_time);
                          }});
}

}  // namespace tvp::mpi
