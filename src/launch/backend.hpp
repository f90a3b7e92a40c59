#pragma once
// The four ways this suite starts a worker.
#include <array>
#include <optional>
#include <string_view>

namespace tvp {

enum class Backend {
    thread,         // std::thread in this process
    fork,           // fork(); the child runs the task and leaves with _exit()
    posix_spawn,    // posix_spawn() of the worker executable (Python's "spawn")
    boost_process,  // boost::process::child of the worker executable
};

inline constexpr std::array all_backends{Backend::thread, Backend::fork, Backend::posix_spawn,
                                         Backend::boost_process};
inline constexpr std::array process_backends{Backend::fork, Backend::posix_spawn, Backend::boost_process};

std::string_view to_string(Backend backend);
std::optional<Backend> parse_backend(std::string_view name);
// True for the back-ends that exec a separate program and so need a named task.
bool runs_worker_executable(Backend backend);

}  // namespace tvp
