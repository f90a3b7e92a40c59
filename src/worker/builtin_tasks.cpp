// Every task a spawned worker can run, by name.
#include "io_bound/sleep_loop_task.hpp"
#include "isolation/crash_probe.hpp"
#include "creation/clock_stamp_task.hpp"
#include "memory/memory_hold_task.hpp"
#include "launch/demo_tasks.hpp"
#include "ipc/peer.hpp"
#include "manager/server_store.hpp"
#include "manager/stores.hpp"
#include "pool/pool_worker.hpp"
#include "sumsq/partial_sum.hpp"
#include "task/task_registry.hpp"
#include "launch/handshake.hpp"

#include <cstdio>

namespace tvp {

namespace {
// Proves to bench's --worker_exe check that this program is the suite's worker.
struct HandshakeTask {
    static constexpr std::string_view name = "handshake";
    std::uint64_t challenge = 0;
    std::vector<std::string> to_args() const { return {std::to_string(challenge)}; }
    static HandshakeTask from_args(std::span<const std::string> args) {
        return {.challenge = integer_argument<std::uint64_t>(args, 0, "challenge")};
    }
    int run() const {
        std::printf("%s\n", handshake_line(challenge).c_str());
        return std::fflush(stdout) == 0 ? 0 : 1;
    }
};
}  // namespace

std::span<const NamedTask> builtin_tasks() {
    static constexpr NamedTask tasks[] = {
        registered<NoopTask>(),
        registered<IdleWorker>(),
        registered<ExitWithTask>(),
        registered<HandshakeTask>(),
        registered<RaiseSignalTask>(),
        registered<ipc::IpcPeerTask>(),
        registered<manager::AbandonLockTask>(),
        registered<manager::ClientTask>(),
        registered<manager::ServerTask>(),
        registered<manager::ShmWorkerTask>(),
        registered<MemoryHoldTask>(),
        registered<SleepLoopTask>(),
        registered<SumsqPartialTask>(),
        registered<pool::PoolWorkerTask>(),
        registered<ClockStampTask>(),
        registered<StampAndAbortTask>(),
    };
    return tasks;
}

}  // namespace tvp
