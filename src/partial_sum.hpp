#pragma once
// The chapter's Value('d'), exact: the slot a sum-of-squares worker writes its
// partial sum into, and the worker-side task that spawned children run.
#include <cstdint>
#include <span>
#include <string>

#include "sumsq.hpp"

namespace tvp {

// One cache line per worker, so that neighbouring workers never share a line.
struct alignas(64) PartialSum {
    uint128 value = 0;
    std::uint64_t written = 0;  // 1 once the worker stored its value: a slot left at 0 was never filled
};

// Sums the range with the shared kernel and stores it in the slot.
void compute_partial_sum(PartialSum& slot, IndexRange range);

// sumsq_partial <segment> <slot> <begin> <end>: compute_partial_sum into slot
// `slot` of a named segment holding an array of PartialSum.
int sumsq_partial_task(std::span<const std::string> args);

}  // namespace tvp
