#pragma once
// One start function per back-end; Launcher::start() picks among them.
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "process/child_process.hpp"
#include "launch/launcher.hpp"

namespace tvp::detail {

// detail::start_<name>(executable, task) for every row of TVP_BACKENDS (the
// in-process back-ends ignore the executable).
#define TVP_BACKEND_START(name, space, pipe, by_default, raw, description) \
    std::unique_ptr<RunningWorker> start_##name(const std::filesystem::path& executable, const Task& task);
TVP_BACKENDS(TVP_BACKEND_START)
#undef TVP_BACKEND_START

// The task's function, or its registered task bound to its arguments.
std::function<int()> in_process_entry(const Task& task);
// argv for the worker executable: executable, task name, arguments.
std::vector<std::string> worker_command_line(const std::filesystem::path& executable, const Task& task);

// A worker that is a child process started by fork(), posix_spawn() or vfork().
class ChildProcessWorker : public RunningWorker {
public:
    explicit ChildProcessWorker(ChildProcess child) : child_(std::move(child)) {}
    ExitStatus join() override { return child_.wait(); }
    std::optional<pid_t> pid() const override { return child_.pid(); }

private:
    ChildProcess child_;
};

}  // namespace tvp::detail
