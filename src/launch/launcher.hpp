#pragma once
// One way to start a worker, whatever the back-end: Launcher::start() runs a
// Task and returns a handle whose join() waits for it and says how it ended.
#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "process/backend.hpp"
#include "process/exit_status.hpp"
#include "task/running_worker.hpp"
#include "task/task.hpp"

namespace tvp {

class Launcher final : public WorkerStarter {
public:
    // `worker_executable` is what the spawned back-ends run; the default is the
    // worker next to the running program (default_worker_executable()).
    explicit Launcher(Backend backend, std::filesystem::path worker_executable = {});

    Backend backend() const override { return backend_; }

    // Starts the task. Throws std::system_error if the worker cannot be started
    // (for the spawned back-ends: naming the executable and the errno text), and
    // std::invalid_argument for a task this back-end cannot run.
    std::unique_ptr<RunningWorker> start(const Task& task) const override;

private:
    Backend backend_;
    std::filesystem::path worker_executable_;
};

// The program set by set_default_worker_executable() (bench's --worker_exe),
// else the path in the environment variable TVP_WORKER when it is set, else
// "tvp_worker" in the directory of the running program (/proc/self/exe).
std::filesystem::path default_worker_executable();
// What every Launcher built without an explicit executable starts, in every scenario.
void set_default_worker_executable(std::filesystem::path program);

// Starts every task, then joins every worker, as the chapter does. After all
// have been joined, throws std::runtime_error naming the first worker that did
// not end with `expected_exit_code` (with its exit code or signal): a task that
// ends with a code it was given proves it ran, where 0 proves less.
void run_all(const Launcher& launcher, std::span<const Task> tasks, int expected_exit_code = 0);

// Joins every worker, in order, and returns how each ended.
std::vector<ExitStatus> join_all(std::span<const std::unique_ptr<RunningWorker>> running);

// Throws std::runtime_error if any status is not a success: "worker 3 of 4 exited with code 2".
void require_success(std::span<const ExitStatus> statuses);
// The same for an exit with `code` ("worker 3 of 4 exited with code 0, not 17").
void require_exit_code(std::span<const ExitStatus> statuses, int code);

}  // namespace tvp
