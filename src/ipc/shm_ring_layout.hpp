#pragma once
// The shared-memory ring's geometry (shm_ring.cpp); the tests build exact ring
// states from it.
#include <cstddef>
#include <cstdint>

namespace tvp::ipc::ring {

inline constexpr std::size_t line_bytes = 64;
inline constexpr std::uint64_t lines = (std::size_t{1} << 20) / line_bytes;  // 1 MiB per direction
// A frame starts with its stamp (8 bytes), body length (4) and flags (4).
inline constexpr std::size_t frame_header_bytes = 16;
// A frame carries one message, or one fragment of a larger one; a quarter of
// the ring at most, so that several are in flight.
inline constexpr std::size_t max_frame_body = lines * line_bytes / 4 - frame_header_bytes;

}  // namespace tvp::ipc::ring
