#pragma once
// The worker side of the memory and I/O-bound scenarios: what a thread, a
// forked child or a spawned worker runs.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tvp::claims {

inline constexpr std::size_t touched_stack_bytes = 64 << 10;

// Touches `bytes` of the calling thread's stack, so that it is resident.
void touch_stack(std::size_t bytes);
// Sleeps `count` times for `period`: a worker that mostly waits. Adds 1 to
// `completed` (atomically: it is shared with other workers) after each wait.
void sleep_loop(unsigned count, std::chrono::microseconds period, std::uint64_t& completed);

// memory_hold <ready fd> <release fd>: touch the stack, say ready, wait for the release.
struct MemoryHoldTask {
    static constexpr std::string_view name = "memory_hold";
    int ready_fd = -1;
    int release_fd = -1;
    std::vector<std::string> to_args() const { return {std::to_string(ready_fd), std::to_string(release_fd)}; }
    static MemoryHoldTask from_args(std::span<const std::string> args);
    int run() const;
};

// sleep_loop <count> <period_us> <counter segment name>: sleep_loop, counting
// into the segment's first std::uint64_t. A thread or forked child is given that
// counter itself in `completed` and opens no segment.
struct SleepLoopTask {
    static constexpr std::string_view name = "sleep_loop";
    unsigned count = 0;
    std::chrono::microseconds period{0};
    std::string counter_segment;
    std::uint64_t* completed = nullptr;  // not an argument: an address means nothing to a spawned worker

    std::vector<std::string> to_args() const {
        return {std::to_string(count), std::to_string(period.count()), counter_segment};
    }
    static SleepLoopTask from_args(std::span<const std::string> args);
    int run() const;
};

}  // namespace tvp::claims
