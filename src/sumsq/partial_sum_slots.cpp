#include "sumsq/partial_sum_slots.hpp"

#include <new>
#include <string>

#include "task/typed_task.hpp"
#include "launch/worker_visible_memory.hpp"

namespace tvp {

PartialSumSlots::PartialSumSlots(Backend backend, std::size_t count) : backend_(backend) {
    if (shares_address_space(backend)) {
        in_process_.resize(count);
        slots_ = in_process_;
        return;
    }
    const std::size_t bytes = count * sizeof(PartialSum);
    shared_ = std::make_unique<SharedMemory>(memory_visible_to_workers(backend, bytes));
    slots_ = {new (shared_->data()) PartialSum[count], count};
}

Task PartialSumSlots::task(std::size_t slot, IndexRange range) const {
    return make_task(
        SumsqPartialTask{
            .segment = shared_ ? shared_->name() : std::string(), .slot = slot, .range = range, .slots = slots_.data()},
        backend_);
}

void PartialSumSlots::clear() {
    for (PartialSum& slot : slots_) slot = PartialSum{};
}

}  // namespace tvp
