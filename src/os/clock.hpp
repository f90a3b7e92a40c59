#pragma once
// The one clock the suite stamps messages and starts with: CLOCK_MONOTONIC,
// comparable across the processes of one machine.
#include <cstdint>

namespace tvp {

// CLOCK_MONOTONIC in nanoseconds.
std::int64_t monotonic_ns();

}  // namespace tvp
