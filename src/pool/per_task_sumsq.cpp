#include "pool/per_task_sumsq.hpp"

#include <algorithm>
#include <new>
#include <stdexcept>
#include <string>

#include "launch/typed_task.hpp"
#include "pool/pool_protocol.hpp"

namespace tvp::pool {

PerTaskSumOfSquares::PerTaskSumOfSquares(const Launcher& launcher, unsigned workers, std::uint64_t n,
                                         std::uint64_t chunk)
    : launcher_(launcher), workers_(workers) {
    if (workers == 0) throw std::invalid_argument("PerTaskSumOfSquares: workers must be at least 1");
    const std::vector<PoolTask> chunks = sumsq_tasks(n, chunk);
    const std::size_t count = std::max<std::size_t>(chunks.size(), 1);
    switch (launcher.backend()) {
        case Backend::thread:
            thread_slots_.resize(count);
            slots_ = thread_slots_;
            break;
        case Backend::fork:
            shared_slots_ = std::make_unique<SharedMemory>(SharedMemory::create_anonymous(count * sizeof(PartialSum)));
            slots_ = {new (shared_slots_->data()) PartialSum[count], count};
            break;
        case Backend::posix_spawn:
        case Backend::boost_process:
            shared_slots_ = std::make_unique<SharedMemory>(SharedMemory::create_named(count * sizeof(PartialSum)));
            slots_ = {new (shared_slots_->data()) PartialSum[count], count};
            break;
    }
    for (std::size_t i = 0; i < chunks.size(); ++i)
        tasks_.push_back(make_task(SumsqPartialTask{.segment = shared_slots_ ? shared_slots_->name() : std::string(),
                                                    .slot = i,
                                                    .range = chunks[i].range,
                                                    .slots = slots_.data()},
                                   launcher.backend()));
}

uint128 PerTaskSumOfSquares::run() {
    for (PartialSum& slot : slots_) slot = PartialSum{};
    const std::span<const Task> all(tasks_);
    for (std::size_t start = 0; start < all.size(); start += workers_)
        run_all(launcher_, all.subspan(start, std::min<std::size_t>(workers_, all.size() - start)));
    return total_of_written(std::span(slots_).first(tasks_.size()), "the worker of task", "its sum");
}

}  // namespace tvp::pool
