#include <spawn.h>

#include <cstring>

#include "launch_backends.hpp"
#include "parent_death.hpp"
#include "system_error.hpp"

extern char** environ;

namespace tvp::detail {

namespace {

// This process's environment with TVP_PARENT_PID naming this process, so that
// the child can ask to die with it (posix_spawn has no hook to do it for the child).
std::vector<char*> child_environment(std::string& assignment) {
    const std::string prefix = std::string(parent_pid_variable) + "=";
    std::vector<char*> variables;
    for (char** variable = environ; *variable != nullptr; ++variable)
        if (std::strncmp(*variable, prefix.c_str(), prefix.size()) != 0) variables.push_back(*variable);
    variables.push_back(assignment.data());
    variables.push_back(nullptr);
    return variables;
}

}  // namespace

std::unique_ptr<RunningWorker> start_posix_spawn(const std::filesystem::path& executable, const Task& task) {
    std::vector<std::string> words = worker_command_line(executable, task);
    std::vector<char*> argv;
    argv.reserve(words.size() + 1);
    for (std::string& word : words) argv.push_back(word.data());
    argv.push_back(nullptr);
    std::string parent = parent_pid_assignment();
    std::vector<char*> envp = child_environment(parent);

    pid_t pid = -1;
    // glibc reports a failed exec (missing file, no permission) as the return value.
    const int error = ::posix_spawn(&pid, executable.c_str(), nullptr, nullptr, argv.data(), envp.data());
    if (error != 0) throw_system_error(error, "posix_spawn " + executable.string());
    ChildProcess child(pid);
    return std::make_unique<ChildProcessWorker>(std::move(child));
}

}  // namespace tvp::detail
