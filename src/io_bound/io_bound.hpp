#pragma once
// "Uso ideale: Operazioni I/O bound": W workers that mostly wait. Each sleeps
// `waits` times for `period` (a blocking wait, as on a slow device); the
// measure is how many waits complete per second and what each costs in CPU.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "process/backend.hpp"
#include "launch/launcher.hpp"

namespace tvp {

struct IoBoundRun {
    double seconds = 0;       // wall time: start all, join all
    double cpu_seconds = 0;   // this process and its children
    std::uint64_t waits = 0;  // completed
};

IoBoundRun run_io_bound(const Launcher& launcher, unsigned workers, unsigned waits_per_worker,
                        std::chrono::microseconds period);

// Why `workers` workers of this back-end would not fit this machine
// (RLIMIT_NPROC, available memory), or nullopt when they fit.
std::optional<std::string> would_not_fit(Backend backend, unsigned workers);

}  // namespace tvp
