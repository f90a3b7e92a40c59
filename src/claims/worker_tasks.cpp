#include "claims/worker_tasks.hpp"

#include <thread>

#include "claims/worker_gate.hpp"
#include "task_registry.hpp"

namespace tvp::claims {

[[gnu::noinline]] void touch_stack(std::size_t bytes) {
    auto* area = static_cast<volatile char*>(__builtin_alloca(bytes));
    for (std::size_t i = 0; i < bytes; i += 4096) area[i] = 1;
}

void sleep_loop(unsigned count, std::chrono::microseconds period) {
    for (unsigned i = 0; i < count; ++i) std::this_thread::sleep_for(period);
}

int memory_hold_task(std::span<const std::string> args) {
    const int ready = integer_argument<int>(args, 0, "ready descriptor");
    const int release = integer_argument<int>(args, 1, "release descriptor");
    touch_stack(touched_stack_bytes);
    WorkerGate::arrive_and_wait(ready, release);
    return 0;
}

int sleep_loop_task(std::span<const std::string> args) {
    sleep_loop(integer_argument<unsigned>(args, 0, "count"),
               std::chrono::microseconds(integer_argument<unsigned>(args, 1, "period in microseconds")));
    return 0;
}

}  // namespace tvp::claims
