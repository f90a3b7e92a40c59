#include "claims/worker_tasks.hpp"

#include <atomic>
#include <stdexcept>
#include <thread>

#include "claims/worker_gate.hpp"
#include "shared_memory.hpp"
#include "task_registry.hpp"

namespace tvp::claims {

[[gnu::noinline]] void touch_stack(std::size_t bytes) {
    auto* area = static_cast<volatile char*>(__builtin_alloca(bytes));
    for (std::size_t i = 0; i < bytes; i += 4096) area[i] = 1;
}

void sleep_loop(unsigned count, std::chrono::microseconds period, std::uint64_t& completed) {
    std::atomic_ref<std::uint64_t> counter(completed);
    for (unsigned i = 0; i < count; ++i) {
        std::this_thread::sleep_for(period);
        counter.fetch_add(1, std::memory_order_relaxed);
    }
}

MemoryHoldTask MemoryHoldTask::from_args(std::span<const std::string> args) {
    return {.ready_fd = integer_argument<int>(args, 0, "ready descriptor"),
            .release_fd = integer_argument<int>(args, 1, "release descriptor")};
}

int MemoryHoldTask::run() const {
    touch_stack(touched_stack_bytes);
    WorkerGate::arrive_and_wait(ready_fd, release_fd);
    return 0;
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

}  // namespace tvp::claims
