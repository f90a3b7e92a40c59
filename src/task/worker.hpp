#pragma once
// The chapter's second way to make a process: subclass and override run()
// ("Estendendo la classe Process"). A Worker starts with any back-end.
//
// Threads and forked children call run() on this very object. The spawned
// back-ends start a fresh program, so, like Python's spawn start method, they
// rebuild the worker there: spawn_task() names a registered task that
// constructs the same worker type from arguments: a worker type that is also a
// TypedTask (task_registry.hpp) is registered with registered<W>().
#include <memory>
#include <span>
#include <stdexcept>
#include <string>

#include "process/exit_status.hpp"
#include "task/running_worker.hpp"
#include "task/task.hpp"

namespace tvp {

class Worker {
public:
    virtual ~Worker() = default;  // a worker still running is killed (processes) or joined (threads)
    // The work; the return value is the exit code.
    virtual int run() = 0;
    // What a spawned child runs to rebuild this worker. Workers meant only for
    // threads or fork need not override it.
    virtual Task spawn_task() const {
        throw std::invalid_argument("this Worker does not say how a spawned child rebuilds it (spawn_task)");
    }

    // Starts run() with the launcher's back-end. Join before the object goes away.
    void start(const WorkerStarter& launcher);
    // Waits for run() to end and says how it ended.
    ExitStatus join();

private:
    std::unique_ptr<RunningWorker> running_;
};

}  // namespace tvp
