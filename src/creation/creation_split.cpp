#include "creation/creation_split.hpp"

#include <atomic>
#include <stdexcept>
#include <string>

#include "os/clock.hpp"
#include "creation/clock_stamp_task.hpp"
#include "task/typed_task.hpp"

namespace tvp {

CreationProbe::CreationProbe() : stamps_(SharedMemory::create_named(sizeof(std::int64_t))) {}

CreationSplit CreationProbe::measure_once(const Launcher& launcher) {
    std::atomic_ref<std::int64_t> stamp(*stamps_.as<std::int64_t>());
    stamp.store(0);
    const Task task = make_task(ClockStampTask{.segment = stamps_.name(), .slot = 0}, launcher.backend());

    const std::int64_t start = monotonic_ns();
    std::unique_ptr<RunningWorker> worker = launcher.start(task);
    const std::int64_t started = monotonic_ns();
    const ExitStatus status = worker->join();
    const std::int64_t reaped = monotonic_ns();

    if (!status.success()) throw std::runtime_error("the stamping worker " + status.describe());
    const std::int64_t first_run = stamp.load();
    if (first_run < start || first_run > reaped)
        throw std::runtime_error("the worker's stamp (" + std::to_string(first_run) +
                                 " ns) is not between the start call (" + std::to_string(start) + ") and the reap (" +
                                 std::to_string(reaped) + ")");
    return {.first_run_ns = first_run - start, .parent_blocked_ns = started - start, .reap_ns = reaped - start};
}

}  // namespace tvp
