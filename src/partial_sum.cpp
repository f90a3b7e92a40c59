#include "partial_sum.hpp"

#include <stdexcept>

#include "shared_memory.hpp"
#include "task_registry.hpp"

namespace tvp {

void compute_partial_sum(PartialSum& slot, IndexRange range) {
    slot.value = sum_of_squares(range.begin, range.end);
    slot.written = 1;
}

int sumsq_partial_task(std::span<const std::string> args) {
    if (args.size() != 4) throw std::invalid_argument("sumsq_partial needs <segment> <slot> <begin> <end>");
    const auto slot = integer_argument<std::size_t>(args, 1, "slot");
    const IndexRange range{integer_argument<std::uint64_t>(args, 2, "begin"),
                           integer_argument<std::uint64_t>(args, 3, "end")};
    if (range.begin > range.end || range.end > max_sum_of_squares_n())
        throw std::out_of_range("range [" + args[2] + ", " + args[3] + ") is not one a run of the suite can have");
    SharedMemory segment = SharedMemory::open_named(args[0]);
    // Against the slot count, not as a byte offset, which could overflow.
    const std::size_t slots = segment.size() / sizeof(PartialSum);
    if (slot >= slots)
        throw std::out_of_range("slot " + std::to_string(slot) + " is outside segment " + args[0] + " (" +
                                std::to_string(slots) + " slots)");
    compute_partial_sum(segment.as<PartialSum>()[slot], range);
    return 0;
}

}  // namespace tvp
