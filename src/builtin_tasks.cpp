// Every task a spawned worker can run, by name.
#include "claims/worker_tasks.hpp"
#include "demo_tasks.hpp"
#include "ipc/peer.hpp"
#include "manager/server_store.hpp"
#include "manager/stores.hpp"
#include "partial_sum.hpp"
#include "task_registry.hpp"
#include "worker_check.hpp"

#include <cstdio>

namespace tvp {

namespace {
// Proves to bench's --worker_exe check that this program is the suite's worker.
int handshake_task(std::span<const std::string>) {
    std::printf("%.*s\n", static_cast<int>(worker_handshake_reply.size()), worker_handshake_reply.data());
    return std::fflush(stdout) == 0 ? 0 : 1;
}
}  // namespace

std::span<const NamedTask> builtin_tasks() {
    static constexpr NamedTask tasks[] = {
        {"noop", noop_task},
        {"idle_worker", run_worker_from_args<IdleWorker>},
        {"counter_worker", run_worker_from_args<CounterWorker>},
        {"exit_with", exit_with_task},
        {"handshake", handshake_task},
        {"raise_signal", raise_signal_task},
        {"increment_counter", increment_counter_task},
        {"ipc_peer", ipc::ipc_peer_task},
        {"manager_abandon_lock", manager::abandon_lock_task},
        {"manager_client", manager::client_task},
        {"manager_server", manager::server_task},
        {"manager_shm_worker", manager::shm_worker_task},
        {"memory_hold", claims::memory_hold_task},
        {"sleep_loop", claims::sleep_loop_task},
        {"sleep_ms", sleep_ms_task},
        {"sumsq_partial", sumsq_partial_task},
    };
    return tasks;
}

}  // namespace tvp
