#include "sumsq/partial_sum.hpp"

#include <stdexcept>

#include "os/shared_memory.hpp"
#include "os/arguments.hpp"

namespace tvp {

void compute_partial_sum(PartialSum& slot, IndexRange range) {
    slot.value = sum_of_squares(range.begin, range.end);
    slot.written = 1;
}

uint128 total_of_written(std::span<const PartialSum> slots, std::string_view whose, std::string_view what) {
    uint128 total = 0;
    for (std::size_t i = 0; i < slots.size(); ++i) {
        if (slots[i].written != 1)
            throw std::runtime_error(std::string(whose) + " " + std::to_string(i + 1) + " ended without writing " +
                                     std::string(what));
        total += slots[i].value;
    }
    return total;
}

std::vector<std::string> SumsqPartialTask::to_args() const {
    return {segment, std::to_string(slot), std::to_string(range.begin), std::to_string(range.end)};
}

SumsqPartialTask SumsqPartialTask::from_args(std::span<const std::string> args) {
    require_argument_count(args, 4, name, "<segment> <slot> <begin> <end>");
    SumsqPartialTask task{
        .segment = args[0],
        .slot = integer_argument<std::size_t>(args, 1, "slot"),
        .range = {integer_argument<std::uint64_t>(args, 2, "begin"), integer_argument<std::uint64_t>(args, 3, "end")},
        .slots = nullptr};
    if (task.range.begin > task.range.end || task.range.end > max_sum_of_squares_n())
        throw std::out_of_range("range [" + args[2] + ", " + args[3] + ") is not one a run of the suite can have");
    return task;
}

int SumsqPartialTask::run() const {
    if (slots != nullptr) {
        compute_partial_sum(slots[slot], range);
        return 0;
    }
    SharedMemory shared = SharedMemory::open_named(segment);
    // Against the slot count, not as a byte offset, which could overflow.
    const std::size_t count = shared.size() / sizeof(PartialSum);
    if (slot >= count)
        throw std::out_of_range("slot " + std::to_string(slot) + " is outside segment " + segment + " (" +
                                std::to_string(count) + " slots)");
    compute_partial_sum(shared.as<PartialSum>()[slot], range);
    return 0;
}

}  // namespace tvp
