#pragma once
// The cache line size this suite lays data out for (x86-64 and most ARM cores):
// what one worker writes gets a line of its own, so no two share one.
#include <cstddef>

namespace tvp {

inline constexpr std::size_t cache_line_bytes = 64;

}  // namespace tvp
