#include "creation/clock_stamp_task.hpp"

#include <atomic>
#include <stdexcept>

#include "os/clock.hpp"
#include "task/task_registry.hpp"
#include "os/shared_memory.hpp"

namespace tvp {

ClockStampTask ClockStampTask::from_args(std::span<const std::string> args) {
    require_argument_count(args, 2, name, "<segment> <slot>");
    return {.segment = args[0], .slot = integer_argument<std::size_t>(args, 1, "slot")};
}

int ClockStampTask::run() const {
    const std::int64_t now = monotonic_ns();  // first: what is timed ends here
    SharedMemory stamps = SharedMemory::open_named(segment);
    if (slot >= stamps.size() / sizeof(std::int64_t))
        throw std::out_of_range("slot " + std::to_string(slot) + " is outside segment " + segment);
    std::atomic_ref<std::int64_t>(stamps.as<std::int64_t>()[slot]).store(now);
    return 0;
}

}  // namespace tvp
