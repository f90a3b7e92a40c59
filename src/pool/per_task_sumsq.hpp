#pragma once
// What a pool saves, measured the other way: the sum of squares over [0, n)
// cut into the same tasks, each run by a worker started for it alone (the
// launcher's back-end), `workers` at a time: start them, join them, next ones.
#include <memory>
#include <span>
#include <vector>

#include "launch/launcher.hpp"
#include "pool/pool_protocol.hpp"
#include "sumsq/partial_sum_slots.hpp"

namespace tvp::pool {

class PerTaskSumOfSquares {
public:
    // Makes one partial-sum slot per task where the back-end's workers see it
    // (as ParallelSumOfSquares does) and the tasks; outside any timed region.
    PerTaskSumOfSquares(const Launcher& launcher, unsigned workers, std::uint64_t n, std::uint64_t chunk);

    // The sum over [0, n). Throws std::runtime_error if a worker failed or left its slot unwritten.
    uint128 run();
    std::size_t tasks() const { return tasks_.size(); }

private:
    PerTaskSumOfSquares(const Launcher& launcher, unsigned workers, const std::vector<PoolTask>& chunks);

    const Launcher& launcher_;
    unsigned workers_;
    PartialSumSlots slots_;
    std::vector<Task> tasks_;
};

}  // namespace tvp::pool
