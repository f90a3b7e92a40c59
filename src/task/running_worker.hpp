#pragma once
// A started worker, whatever the back-end: join() waits for it and says how it
// ended; and what starts one (WorkerStarter, implemented by Launcher).
#include <sys/types.h>

#include <memory>
#include <optional>

#include "process/backend.hpp"
#include "process/exit_status.hpp"
#include "task/task.hpp"

namespace tvp {

class RunningWorker {
public:
    virtual ~RunningWorker() = default;
    // Waits for the worker to end. A thread's exit code is its task's return
    // value; an exception thrown by a thread's task is rethrown here.
    virtual ExitStatus join() = 0;
    // The worker's process id, for the back-ends whose workers are processes.
    virtual std::optional<pid_t> pid() const { return std::nullopt; }
    // The pidfd the back-end holds for the worker (clone3), or -1; owned by the worker.
    virtual int pidfd() const { return -1; }
};

// What starts a task on one back-end. The tasks' own layer (the Worker class)
// starts workers through it, without depending on the back-ends' code.
class WorkerStarter {
public:
    virtual ~WorkerStarter() = default;
    virtual Backend backend() const = 0;
    virtual std::unique_ptr<RunningWorker> start(const Task& task) const = 0;
};

}  // namespace tvp
