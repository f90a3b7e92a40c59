#pragma once
// The chapter's parallel sum of squares on any back-end: split [0, n) among the
// workers, start them all, join them all, add their partial sums.
#include <memory>
#include <span>
#include <vector>

#include "launch/launcher.hpp"
#include "sumsq/partial_sum_slots.hpp"
#include "sumsq/sumsq.hpp"

namespace tvp {

class ParallelSumOfSquares {
public:
    // Makes the partial-sum slots where each back-end can see them: an array for
    // threads, anonymous shared memory for fork, a named segment for spawned
    // children. Done once, outside any timed region.
    ParallelSumOfSquares(const Launcher& launcher, unsigned workers);

    // The sum over [0, n). Throws std::runtime_error if a worker failed or left
    // its slot unwritten.
    uint128 run(std::uint64_t n);

    unsigned workers() const { return static_cast<unsigned>(slots_.slots().size()); }

private:
    const Launcher& launcher_;
    PartialSumSlots slots_;
    std::vector<Task> tasks_;  // for tasks_n_
    std::uint64_t tasks_n_ = 0;
};

}  // namespace tvp
