#include "launch/backend.hpp"

#include <algorithm>

namespace tvp {

std::string_view to_string(Backend backend) {
    switch (backend) {
        case Backend::thread: return "thread";
        case Backend::fork: return "fork";
        case Backend::posix_spawn: return "posix_spawn";
        case Backend::boost_process: return "boost_process";
        case Backend::vfork: return "vfork";
        case Backend::clone3: return "clone3";
        case Backend::boost_process_vfork: return "boost_process_vfork";
    }
    return "unknown";
}

std::optional<Backend> parse_backend(std::string_view name) {
    for (Backend backend : all_backends)
        if (to_string(backend) == name) return backend;
    return std::nullopt;
}

bool runs_worker_executable(Backend backend) { return backend != Backend::thread && backend != Backend::fork; }

bool is_default_backend(Backend backend) {
    return std::find(default_backends.begin(), default_backends.end(), backend) != default_backends.end();
}

}  // namespace tvp
