#include "sumsq/partial_sum_slots.hpp"

#include <new>
#include <string>

#include "launch/typed_task.hpp"

namespace tvp {

PartialSumSlots::PartialSumSlots(Backend backend, std::size_t count) : backend_(backend) {
    if (backend == Backend::thread) {
        in_process_.resize(count);
        slots_ = in_process_;
        return;
    }
    const std::size_t bytes = count * sizeof(PartialSum);
    shared_ = std::make_unique<SharedMemory>(runs_worker_executable(backend) ? SharedMemory::create_named(bytes)
                                                                             : SharedMemory::create_anonymous(bytes));
    slots_ = {new (shared_->data()) PartialSum[count], count};
}

Task PartialSumSlots::task(std::size_t slot, IndexRange range) const {
    return make_task(SumsqPartialTask{.segment = shared_ ? shared_->name() : std::string(),
                                      .slot = slot,
                                      .range = range,
                                      .slots = slots_.data()},
                     backend_);
}

void PartialSumSlots::clear() {
    for (PartialSum& slot : slots_) slot = PartialSum{};
}

}  // namespace tvp
