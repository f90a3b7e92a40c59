#include "os/resource_usage.hpp"

#include <sys/resource.h>

#include "os/system_error.hpp"

namespace tvp {

namespace {
double seconds(const timeval& time) { return static_cast<double>(time.tv_sec) + time.tv_usec * 1e-6; }
}  // namespace

double children_cpu_seconds() {
    rusage usage{};
    if (::getrusage(RUSAGE_CHILDREN, &usage) != 0) throw_errno("getrusage(RUSAGE_CHILDREN)");
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

void disable_core_dumps() noexcept {
    const rlimit none{0, 0};
    ::setrlimit(RLIMIT_CORE, &none);
}

double self_cpu_seconds() {
    rusage usage{};
    if (::getrusage(RUSAGE_SELF, &usage) != 0) throw_errno("getrusage(RUSAGE_SELF)");
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace tvp
