#pragma once
// The worker side of the memory scenario: what a thread, a forked child or a
// spawned worker runs while the parent measures it.
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tvp {

inline constexpr std::size_t touched_stack_bytes = 64 << 10;

// Touches `bytes` of the calling thread's stack, so that it is resident.
void touch_stack(std::size_t bytes);

// memory_hold <ready fd> <release fd>: touch the stack, say ready, wait for the release.
struct MemoryHoldTask {
    static constexpr std::string_view name = "memory_hold";
    int ready_fd = -1;
    int release_fd = -1;
    std::vector<std::string> to_args() const { return {std::to_string(ready_fd), std::to_string(release_fd)}; }
    static MemoryHoldTask from_args(std::span<const std::string> args);
    int run() const;
};

}  // namespace tvp
