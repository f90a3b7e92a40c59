#include "launch/demo_tasks.hpp"

#include <csignal>

#include "os/resource_usage.hpp"
#include "os/arguments.hpp"
#include "task/typed_task.hpp"

namespace tvp {

Task IdleWorker::spawn_task() const { return named_task(*this); }

IdleWorker IdleWorker::from_args(std::span<const std::string>) { return {}; }

ExitWithTask ExitWithTask::from_args(std::span<const std::string> args) {
    return {.code = integer_argument<int>(args, 0, "exit code")};
}

RaiseSignalTask RaiseSignalTask::from_args(std::span<const std::string> args) {
    return {.signal = integer_argument<int>(args, 0, "signal number")};
}

int RaiseSignalTask::run() const {
    disable_core_dumps();
    std::signal(signal, SIG_DFL);
    std::raise(signal);
    return 0;  // reached only for a signal whose default action is to ignore it
}

}  // namespace tvp
