#include <unistd.h>

#include "forked_child.hpp"
#include "launch_backends.hpp"
#include "parent_death.hpp"
#include "system_error.hpp"

namespace tvp::detail {

std::unique_ptr<RunningWorker> start_fork(const Task& task) {
    auto entry = in_process_entry(task);  // an unknown task fails here, in the parent
    const pid_t pid = fork_dying_with_parent();
    if (pid < 0) throw_errno("fork");
    if (pid == 0) run_forked_child(entry, "forked worker");
    ChildProcess child(pid);
    return std::make_unique<ChildProcessWorker>(std::move(child));
}

}  // namespace tvp::detail
