#include "ipc/affinity.hpp"

#include <string>

#include "os/system_error.hpp"

namespace tvp::ipc {

const char* to_string(Placement placement) {
    switch (placement) {
        case Placement::same: return "same";
        case Placement::cross: return "cross";
        case Placement::any: return "any";
    }
    return "unknown";
}

int parent_cpu(Placement placement) { return placement == Placement::any ? -1 : 0; }
int peer_cpu(Placement placement) { return placement == Placement::any ? -1 : placement == Placement::same ? 0 : 1; }

int usable_cpus() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (::sched_getaffinity(0, sizeof set, &set) != 0) throw_errno("sched_getaffinity");
    return CPU_COUNT(&set);
}

void pin_current_thread(int cpu) {
    if (cpu < 0) return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (::sched_setaffinity(0, sizeof set, &set) != 0) throw_errno("sched_setaffinity to CPU " + std::to_string(cpu));
}

ScopedPin::ScopedPin(int cpu) {
    if (cpu < 0) return;
    if (::sched_getaffinity(0, sizeof previous_, &previous_) != 0) throw_errno("sched_getaffinity");
    pin_current_thread(cpu);
    pinned_ = true;
}

ScopedPin::~ScopedPin() {
    if (pinned_) ::sched_setaffinity(0, sizeof previous_, &previous_);
}

}  // namespace tvp::ipc
