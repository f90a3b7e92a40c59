#include <spawn.h>

#include "launch/launch_backends.hpp"
#include "process/parent_death.hpp"
#include "os/system_error.hpp"

namespace tvp::detail {

std::unique_ptr<RunningWorker> start_posix_spawn(const std::filesystem::path& executable, const Task& task) {
    std::vector<std::string> words = worker_command_line(executable, task);
    std::vector<char*> argv;
    argv.reserve(words.size() + 1);
    for (std::string& word : words) argv.push_back(word.data());
    argv.push_back(nullptr);
    // TVP_PARENT_PID: the child asks to die with this process (parent_death.hpp);
    // posix_spawn has no hook to do it for the child.
    ChildEnvironment environment;

    pid_t pid = -1;
    // glibc reports a failed exec (missing file, no permission) as the return value.
    const int error = ::posix_spawn(&pid, executable.c_str(), nullptr, nullptr, argv.data(), environment.get());
    if (error != 0) throw_system_error(error, "posix_spawn " + executable.string());
    ChildProcess child(pid);
    return std::make_unique<ChildProcessWorker>(std::move(child));
}

}  // namespace tvp::detail
