#pragma once
// The worker side of the I/O-bound scenario: a worker that mostly waits.
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tvp {

// Sleeps `count` times for `period`. Adds 1 to `completed` (atomically: it is
// shared with other workers) after each wait.
void sleep_loop(unsigned count, std::chrono::microseconds period, std::uint64_t& completed);

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

}  // namespace tvp
