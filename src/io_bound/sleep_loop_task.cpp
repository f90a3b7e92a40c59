#include "io_bound/sleep_loop_task.hpp"

#include <atomic>
#include <stdexcept>
#include <thread>

#include "os/arguments.hpp"
#include "os/shared_memory.hpp"

namespace tvp {

void sleep_loop(unsigned count, std::chrono::microseconds period, std::uint64_t& completed) {
    std::atomic_ref<std::uint64_t> counter(completed);
    for (unsigned i = 0; i < count; ++i) {
        std::this_thread::sleep_for(period);
        counter.fetch_add(1, std::memory_order_relaxed);
    }
}

SleepLoopTask SleepLoopTask::from_args(std::span<const std::string> args) {
    if (args.size() < 3) throw std::invalid_argument("sleep_loop needs <count> <period_us> <counter segment>");
    return {.count = integer_argument<unsigned>(args, 0, "count"),
            .period = std::chrono::microseconds(integer_argument<unsigned>(args, 1, "period in microseconds")),
            .counter_segment = args[2],
            .completed = nullptr};
}

int SleepLoopTask::run() const {
    if (completed != nullptr) {
        sleep_loop(count, period, *completed);
        return 0;
    }
    const SharedMemory counter = SharedMemory::open_named(counter_segment);
    if (counter.size() < sizeof(std::uint64_t)) throw std::invalid_argument("the counter segment is too small");
    sleep_loop(count, period, *counter.as<std::uint64_t>());
    return 0;
}

}  // namespace tvp
