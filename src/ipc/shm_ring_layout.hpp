#pragma once
// The shared-memory ring's geometry and the layout of its segment
// (shm_ring.cpp); the tests build exact ring states from it.
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "os/cache_line.hpp"

namespace tvp::ipc::ring {

inline constexpr std::size_t line_bytes = cache_line_bytes;
inline constexpr std::uint64_t lines = (std::size_t{1} << 20) / line_bytes;  // 1 MiB per direction
// A frame starts with its stamp (8 bytes), body length (4) and flags (4).
inline constexpr std::size_t frame_header_bytes = 16;
// A frame carries one message, or one fragment of a larger one; a quarter of
// the ring at most, so that several are in flight.
inline constexpr std::size_t max_frame_body = lines * line_bytes / 4 - frame_header_bytes;

enum FrameFlags : std::uint32_t { last_fragment = 1, skip_to_start = 2 };

// One cache line. A frame starts at a line: its stamp (the frame's sequence
// number, never 0) is written last, with release, so the consumer polls the
// very line that holds the frame's first bytes: a small message costs one
// cache-line transfer per direction. The body continues over the next lines,
// contiguous in memory, so a message can be read in place.
struct alignas(line_bytes) Line {
    std::atomic<std::uint64_t> stamp;
    std::uint32_t body_bytes;  // written by the peer: checked before use
    std::uint32_t flags;
    std::byte body[line_bytes - frame_header_bytes];
};
static_assert(sizeof(Line) == line_bytes);

// Producer and consumer fields live on separate cache lines.
struct RingControl {
    alignas(line_bytes) std::atomic<std::uint64_t> consumed_lines{0};  // consumer -> producer: lines it is done with
    std::atomic<std::uint32_t> consumed_signal{0};                     // futex word: bumped when lines are freed
    alignas(line_bytes) std::atomic<std::uint32_t> written_signal{0};  // futex word: bumped after each frame
    std::atomic<std::uint32_t> closed{0};
    alignas(line_bytes) std::atomic<std::uint32_t> consumer_sleeping{0};
    std::atomic<std::uint32_t> producer_sleeping{0};
};
static_assert(std::atomic<std::uint64_t>::is_always_lock_free && std::atomic<std::uint32_t>::is_always_lock_free,
              "the counters must be lock-free to work between processes");

// Direction 0 carries parent -> peer, direction 1 peer -> parent.
struct SegmentLayout {
    RingControl control[2];
    Line lines[2][ring::lines];
};

}  // namespace tvp::ipc::ring
