#include "sumsq/sumsq.hpp"

#include <algorithm>
#include <stdexcept>

namespace tvp {

namespace {

constexpr std::uint64_t two_to_32 = std::uint64_t{1} << 32;
// Each 64-bit lane adds values below 2^32, so it cannot overflow within 2^32
// additions; flushing every 2^31 elements keeps a wide margin.
constexpr std::uint64_t flush_every = std::uint64_t{1} << 31;

// Requires end <= 2^32, so that every i fits 32 bits and i*i fits 64.
uint128 sum_of_squares_below_2_32(std::uint64_t begin, std::uint64_t end) {
    uint128 total = 0;
    for (std::uint64_t block = begin; block < end; block += flush_every) {
        const std::uint64_t count = std::min(end - block, flush_every);
        const auto first = static_cast<std::uint32_t>(block);
        std::uint64_t low_halves = 0;
        std::uint64_t high_halves = 0;
        for (std::uint64_t k = 0; k < count; ++k) {
            const std::uint64_t i = static_cast<std::uint32_t>(first + k);
            const std::uint64_t square = i * i;
            low_halves += square & 0xffffffffu;
            high_halves += square >> 32;
        }
        total += (static_cast<uint128>(high_halves) << 32) + low_halves;
    }
    return total;
}

}  // namespace

uint128 sum_of_squares_naive(std::uint64_t begin, std::uint64_t end) {
    uint128 total = 0;
    for (std::uint64_t i = begin; i < end; ++i) total += static_cast<uint128>(i) * i;
    return total;
}

uint128 sum_of_squares(std::uint64_t begin, std::uint64_t end) {
    if (begin >= end) return 0;
    const std::uint64_t split = std::clamp(two_to_32, begin, end);
    return sum_of_squares_below_2_32(begin, split) + sum_of_squares_naive(split, end);
}

std::optional<uint128> sum_of_squares_closed_form(std::uint64_t n) {
    if (n == 0) return 0;
    // Divide the factors before multiplying, so only the result must fit.
    uint128 a = n, b = n - 1, c = 2 * static_cast<uint128>(n) - 1;
    (a % 2 == 0 ? a : b) /= 2;
    (a % 3 == 0 ? a : b % 3 == 0 ? b : c) /= 3;
    uint128 ab = 0, abc = 0;
    if (__builtin_mul_overflow(a, b, &ab) || __builtin_mul_overflow(ab, c, &abc)) return std::nullopt;
    return abc;
}

std::uint64_t max_sum_of_squares_n() {
    // Binary search on the monotone closed form: the answer is near 1.0e13.
    std::uint64_t fits = 1, overflows = std::uint64_t{1} << 50;
    while (overflows - fits > 1) {
        std::uint64_t middle = fits + (overflows - fits) / 2;
        (sum_of_squares_closed_form(middle) ? fits : overflows) = middle;
    }
    return fits;
}

std::vector<IndexRange> split_work(std::uint64_t n, unsigned workers) {
    if (workers == 0) throw std::invalid_argument("split_work: workers must be at least 1");
    const std::uint64_t chunk = n / workers;
    std::vector<IndexRange> ranges(workers);
    for (unsigned i = 0; i < workers; ++i) {
        ranges[i].begin = i * chunk;
        ranges[i].end = (i + 1 < workers) ? (i + 1) * chunk : n;
    }
    return ranges;
}

std::string to_decimal(uint128 value) {
    if (value == 0) return "0";
    std::string digits;
    while (value != 0) {
        digits.push_back(static_cast<char>('0' + static_cast<int>(value % 10)));
        value /= 10;
    }
    std::reverse(digits.begin(), digits.end());
    return digits;
}

}  // namespace tvp
