#pragma once
// The worker side of a pool (pool.hpp): in a thread, a forked child or a
// spawned worker (task "pool_worker"), it announces itself, then loops:
// receive a task, run it, send its result; until the parent ends its stream.
#include <sys/types.h>

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ipc/endpoint.hpp"

namespace tvp::pool {

struct WorkerOptions {
    int cpu = -1;            // pin to this CPU; -1: anywhere
    bool is_process = true;  // a crash task aborts a process; a thread worker throws instead
};

// Sends the ready message (ipc::is_ready_message), then serves tasks until the
// parent ends its stream; then ends its own and returns 0. A bad message
// throws std::runtime_error, after ending its own stream so the parent stops waiting.
int run_pool_worker(ipc::Endpoint& endpoint, const WorkerOptions& options);

// pool_worker <cpu> <parent pid> <endpoint...>: run_pool_worker on the endpoint
// the arguments describe, in a spawned process (which dies with its parent).
struct PoolWorkerTask {
    static constexpr std::string_view name = "pool_worker";
    int cpu = -1;
    pid_t parent = 0;
    std::vector<std::string> endpoint;  // ipc::Link::peer_arguments

    std::vector<std::string> to_args() const;
    static PoolWorkerTask from_args(std::span<const std::string> args);
    int run() const;
};

}  // namespace tvp::pool
