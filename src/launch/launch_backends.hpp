#pragma once
// One start function per back-end; Launcher::start() picks among them.
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "launch/child_process.hpp"
#include "launch/launcher.hpp"

namespace tvp::detail {

std::unique_ptr<RunningWorker> start_thread(const Task& task);
std::unique_ptr<RunningWorker> start_fork(const Task& task);
std::unique_ptr<RunningWorker> start_posix_spawn(const std::filesystem::path& executable, const Task& task);
std::unique_ptr<RunningWorker> start_boost_process(const std::filesystem::path& executable, const Task& task);
std::unique_ptr<RunningWorker> start_boost_process_vfork(const std::filesystem::path& executable, const Task& task);
std::unique_ptr<RunningWorker> start_vfork(const std::filesystem::path& executable, const Task& task);
std::unique_ptr<RunningWorker> start_clone3(const std::filesystem::path& executable, const Task& task);

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
