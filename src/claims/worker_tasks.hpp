#pragma once
// The worker side of the memory and I/O-bound scenarios: what a thread, a
// forked child or a spawned worker runs.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace tvp::claims {

inline constexpr std::size_t touched_stack_bytes = 64 << 10;

// Touches `bytes` of the calling thread's stack, so that it is resident.
void touch_stack(std::size_t bytes);
// Sleeps `count` times for `period`: a worker that mostly waits. Adds 1 to
// `completed` (atomically: it is shared with other workers) after each wait.
void sleep_loop(unsigned count, std::chrono::microseconds period, std::uint64_t& completed);

// memory_hold <ready fd> <release fd>: touch the stack, say ready, wait for the release.
int memory_hold_task(std::span<const std::string> args);
// sleep_loop <count> <period_us> <counter segment name>
int sleep_loop_task(std::span<const std::string> args);

}  // namespace tvp::claims
