#include "isolation/crash_probe.hpp"

#include <sched.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>

#include "ipc/message.hpp"
#include "os/arguments.hpp"
#include "os/resource_usage.hpp"
#include "os/shared_memory.hpp"

namespace tvp {

StampAndAbortTask StampAndAbortTask::from_args(std::span<const std::string> args) {
    require_argument_count(args, 2, name, "<segment> <hold_lock 0|1>");
    return {.segment = args[0], .hold_lock = integer_argument<int>(args, 1, "hold_lock") != 0};
}

int StampAndAbortTask::run() const {
    SharedMemory shared = SharedMemory::open_named(segment);
    if (shared.size() < sizeof(CrashProbe)) throw std::invalid_argument("segment " + segment + " holds no CrashProbe");
    auto* probe = shared.as<CrashProbe>();
    if (hold_lock) probe->mutex.lock();  // never unlocked: the kernel marks it owner-dead at exit
    disable_core_dumps();
    probe->ready.store(1);
    // The parent says go just before it starts waiting, so that the time
    // measured is the crash's, not the parent's way into its wait.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (probe->go.load() == 0) {
        if (std::chrono::steady_clock::now() > deadline) return exit_no_go;
        ::sched_yield();
    }
    probe->abort_ns.store(monotonic_ns());
    std::abort();
}

}  // namespace tvp
