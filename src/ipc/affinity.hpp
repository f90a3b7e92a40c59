#pragma once
// Pinning the calling thread to one CPU, for the IPC placement parameter.
#include <sched.h>

namespace tvp::ipc {

enum class Placement { same, cross, any };  // both ends on CPU 0; on CPUs 0 and 1; unpinned

const char* to_string(Placement placement);
// The CPU each end runs on, or -1 for "anywhere".
int parent_cpu(Placement placement);
int peer_cpu(Placement placement);
// CPUs this process may run on.
int usable_cpus();
// Pins the calling thread to `cpu` (nothing for -1); throws std::system_error.
void pin_current_thread(int cpu);

// Pins the calling thread for a scope and restores its previous CPU set.
class ScopedPin {
public:
    explicit ScopedPin(int cpu);
    ScopedPin(const ScopedPin&) = delete;
    ScopedPin& operator=(const ScopedPin&) = delete;
    ~ScopedPin();

private:
    cpu_set_t previous_{};
    bool pinned_ = false;
};

}  // namespace tvp::ipc
