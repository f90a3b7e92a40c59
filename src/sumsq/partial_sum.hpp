#pragma once
// The chapter's Value('d'), exact: the slot a sum-of-squares worker writes its
// partial sum into, and the worker-side task that spawned children run.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "os/cache_line.hpp"
#include "sumsq/sumsq.hpp"

namespace tvp {

// One cache line per worker, so that neighbouring workers never share a line.
struct alignas(cache_line_bytes) PartialSum {
    uint128 value = 0;
    std::uint64_t written = 0;  // 1 once the worker stored its value: a slot left at 0 was never filled
};

// Sums the range with the shared kernel and stores it in the slot.
void compute_partial_sum(PartialSum& slot, IndexRange range);

// The sum of the slots' values; throws std::runtime_error naming the first slot
// left unwritten ("<whose> <i> ended without writing <what>", i from 1): a worker
// that ended without its result must be an error, not a smaller sum.
uint128 total_of_written(std::span<const PartialSum> slots, std::string_view whose, std::string_view what);

// sumsq_partial <segment> <slot> <begin> <end>: compute_partial_sum into slot
// `slot` of the named segment `segment`, an array of PartialSum. A thread or
// forked child is given the array itself in `slots` and opens no segment.
struct SumsqPartialTask {
    static constexpr std::string_view name = "sumsq_partial";
    std::string segment;
    std::size_t slot = 0;
    IndexRange range;
    PartialSum* slots = nullptr;  // not an argument: an address means nothing to a spawned worker

    std::vector<std::string> to_args() const;
    static SumsqPartialTask from_args(std::span<const std::string> args);
    int run() const;
};

}  // namespace tvp
