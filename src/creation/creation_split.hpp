#pragma once
// What starting one worker costs, split in three (create_split/<backend>/...):
// until the child runs its first instruction, how long the parent is blocked
// in the start call, and the whole start-to-reap. The child's first action
// stamps CLOCK_MONOTONIC into a shared segment (ClockStampTask, which says
// what "first instruction" means on each back-end).
#include <cstdint>

#include "launch/launcher.hpp"
#include "os/shared_memory.hpp"

namespace tvp {

struct CreationSplit {
    std::int64_t first_run_ns = 0;       // start call began -> the child's stamp
    std::int64_t parent_blocked_ns = 0;  // inside Launcher::start()
    std::int64_t reap_ns = 0;            // start call began -> join() returned
};

class CreationProbe {
public:
    CreationProbe();
    // Starts one stamping worker on `launcher` and joins it. Throws
    // std::runtime_error unless it succeeded and its stamp lies after the start
    // call began and before the reap.
    CreationSplit measure_once(const Launcher& launcher);

private:
    SharedMemory stamps_;
};

}  // namespace tvp
