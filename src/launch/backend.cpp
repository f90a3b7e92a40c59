#include "launch/backend.hpp"

namespace tvp {

std::string_view to_string(Backend backend) {
    switch (backend) {
        case Backend::thread: return "thread";
        case Backend::fork: return "fork";
        case Backend::posix_spawn: return "posix_spawn";
        case Backend::boost_process: return "boost_process";
    }
    return "unknown";
}

std::optional<Backend> parse_backend(std::string_view name) {
    for (Backend backend : all_backends)
        if (to_string(backend) == name) return backend;
    return std::nullopt;
}

bool runs_worker_executable(Backend backend) {
    return backend == Backend::posix_spawn || backend == Backend::boost_process;
}

}  // namespace tvp
