#pragma once
// Where the workers of one sum of squares write their partial sums, one slot
// each, placed where the back-end's workers can see them: this process's memory
// for threads, an anonymous shared mapping a forked child inherits, a named
// segment a spawned worker opens. Shared by the parallel driver and the pools'
// per-task comparison.
#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "process/backend.hpp"
#include "task/task.hpp"
#include "os/shared_memory.hpp"
#include "sumsq/partial_sum.hpp"

namespace tvp {

class PartialSumSlots {
public:
    PartialSumSlots(Backend backend, std::size_t count);
    PartialSumSlots(const PartialSumSlots&) = delete;  // the span points into this object's storage
    PartialSumSlots& operator=(const PartialSumSlots&) = delete;

    std::span<PartialSum> slots() const { return slots_; }
    // The task that sums `range` into slot `slot`, in the form the back-end runs.
    Task task(std::size_t slot, IndexRange range) const;
    // Every slot back to unwritten, before a run.
    void clear();

private:
    Backend backend_;
    std::vector<PartialSum> in_process_;
    std::unique_ptr<SharedMemory> shared_;
    std::span<PartialSum> slots_;
};

}  // namespace tvp
