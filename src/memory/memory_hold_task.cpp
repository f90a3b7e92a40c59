#include "memory/memory_hold_task.hpp"

#include "os/arguments.hpp"
#include "memory/worker_gate.hpp"

namespace tvp {

[[gnu::noinline]] void touch_stack(std::size_t bytes) {
    auto* area = static_cast<volatile char*>(__builtin_alloca(bytes));
    for (std::size_t i = 0; i < bytes; i += 4096) area[i] = 1;
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

}  // namespace tvp
