#pragma once
// The ways this suite starts a worker.
#include <array>
#include <optional>
#include <string_view>

namespace tvp {

enum class Backend {
    thread,               // std::thread in this process
    fork,                 // fork(); the child runs the task and leaves with _exit()
    posix_spawn,          // posix_spawn() of the worker executable (Python's "spawn")
    boost_process,        // boost::process::child of the worker executable
    vfork,                // vfork() + execve() of the worker executable
    clone3,               // clone3(CLONE_VM|CLONE_VFORK|CLONE_PIDFD) + execve(), waited for through its pidfd
    boost_process_vfork,  // boost::process::child with boost::process::posix::use_vfork
};

inline constexpr std::array all_backends{Backend::thread,        Backend::fork,  Backend::posix_spawn,
                                         Backend::boost_process, Backend::vfork, Backend::clone3,
                                         Backend::boost_process_vfork};
inline constexpr std::array process_backends{Backend::fork,   Backend::posix_spawn, Backend::boost_process,
                                             Backend::vfork,  Backend::clone3,      Backend::boost_process_vfork};
// The four every scenario runs by default; the others (the ways to start a
// process that issue 15 added) run by default only in create, sumsq and
// isolation. --backends selects the back-ends of every scenario.
inline constexpr std::array default_backends{Backend::thread, Backend::fork, Backend::posix_spawn,
                                             Backend::boost_process};

std::string_view to_string(Backend backend);
std::optional<Backend> parse_backend(std::string_view name);
// True for the back-ends that exec a separate program and so need a named task.
bool runs_worker_executable(Backend backend);
// True for one of default_backends.
bool is_default_backend(Backend backend);

}  // namespace tvp
