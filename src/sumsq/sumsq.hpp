#pragma once
// The chapter's "Calcolo Parallelo": the sum of i*i for i in [0, n), split
// among workers. Exact in 128 bits, unlike the chapter's Value('d').
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tvp {

using uint128 = unsigned __int128;

struct IndexRange {
    std::uint64_t begin = 0;
    std::uint64_t end = 0;  // exclusive
    std::uint64_t size() const { return end - begin; }
    bool operator==(const IndexRange&) const = default;
};

// Sum of i*i over [begin, end), adding (uint128)i * i one at a time: the
// reference loop the fast kernel is measured against.
uint128 sum_of_squares_naive(std::uint64_t begin, std::uint64_t end);

// The same sum, exact, and the kernel every back-end uses: below 2^32 each
// square fits 64 bits, and its 32-bit halves are summed in 64-bit lanes that
// the compiler vectorises; above 2^32 it falls back to the 128-bit loop.
uint128 sum_of_squares(std::uint64_t begin, std::uint64_t end);

// n(n-1)(2n-1)/6, the sum over [0, n); nullopt when it does not fit 128 bits.
std::optional<uint128> sum_of_squares_closed_form(std::uint64_t n);

// The largest n whose sum over [0, n) fits 128 bits.
std::uint64_t max_sum_of_squares_n();

// The chapter's split: chunk = n / workers, worker i takes [i*chunk, (i+1)*chunk)
// and the last one also takes the remainder. Requires workers >= 1.
std::vector<IndexRange> split_work(std::uint64_t n, unsigned workers);

// Decimal text of a 128-bit number.
std::string to_decimal(uint128 value);

}  // namespace tvp
