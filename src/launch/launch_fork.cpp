#include <unistd.h>

#include "os/forked_child.hpp"
#include "launch/launch_backends.hpp"
#include "process/parent_death.hpp"
#include "os/system_error.hpp"

namespace tvp::detail {

std::unique_ptr<RunningWorker> start_fork(const std::filesystem::path&, const Task& task) {
    auto entry = in_process_entry(task);  // an unknown task fails here, in the parent
    const pid_t pid = fork_dying_with_parent();
    if (pid < 0) throw_errno("fork");
    if (pid == 0) run_forked_child(entry, "forked worker");
    ChildProcess child(pid);
    return std::make_unique<ChildProcessWorker>(std::move(child));
}

}  // namespace tvp::detail
