// Every task a spawned worker can run, by name.
#include "demo_tasks.hpp"
#include "ipc/peer.hpp"
#include "partial_sum.hpp"
#include "task_registry.hpp"

namespace tvp {

std::span<const NamedTask> builtin_tasks() {
    static constexpr NamedTask tasks[] = {
        {"noop", noop_task},
        {"idle_worker", run_worker_from_args<IdleWorker>},
        {"counter_worker", run_worker_from_args<CounterWorker>},
        {"exit_with", exit_with_task},
        {"raise_signal", raise_signal_task},
        {"increment_counter", increment_counter_task},
        {"ipc_peer", ipc::ipc_peer_task},
        {"sleep_ms", sleep_ms_task},
        {"sumsq_partial", sumsq_partial_task},
    };
    return tasks;
}

}  // namespace tvp
