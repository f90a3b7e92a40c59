#include <unistd.h>

#include <exception>
#include <string>

#include "launch_backends.hpp"
#include "parent_death.hpp"
#include "system_error.hpp"
#include "task_registry.hpp"

namespace tvp::detail {

namespace {

// The forked child runs its task and leaves with _exit(): it never returns into
// the caller's code, and never runs the parent's atexit handlers or destructors.
[[noreturn]] void run_forked_child(const std::function<int()>& entry) noexcept {
    int exit_code = exit_task_threw;
    try {
        exit_code = entry();
    } catch (const std::exception& error) {
        std::string line = std::string("forked worker: ") + error.what() + "\n";
        [[maybe_unused]] auto written = ::write(STDERR_FILENO, line.data(), line.size());
    } catch (...) {
    }
    ::_exit(exit_code);
}

}  // namespace

std::unique_ptr<RunningWorker> start_fork(const Task& task) {
    auto entry = in_process_entry(task);  // an unknown task fails here, in the parent
    const pid_t pid = fork_dying_with_parent();
    if (pid < 0) throw_errno("fork");
    if (pid == 0) run_forked_child(entry);
    ChildProcess child(pid);
    return std::make_unique<ChildProcessWorker>(std::move(child));
}

}  // namespace tvp::detail
