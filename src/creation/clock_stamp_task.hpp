#pragma once
// stamp_clock <segment> <slot>: a worker's first action, timed. It reads
// CLOCK_MONOTONIC before anything else, then stores it in slot `slot` (a
// std::int64_t array) of the named segment, for create_split's "time until
// the child runs its first instruction": in the function form (threads,
// fork) the first statement of the child's function; in a spawned worker the
// first statement of the task, after exec, the static worker's start-up and
// main()'s die-with-parent check.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tvp {

struct ClockStampTask {
    static constexpr std::string_view name = "stamp_clock";
    std::string segment;
    std::size_t slot = 0;
    std::vector<std::string> to_args() const { return {segment, std::to_string(slot)}; }
    static ClockStampTask from_args(std::span<const std::string> args);
    int run() const;
};

}  // namespace tvp
