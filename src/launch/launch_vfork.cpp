// vfork() + execve(): the parent is suspended, sharing its memory with the
// child, until the child execs or ends; no page table is copied, so the cost
// does not grow with the parent's size as fork()'s does.
#include <unistd.h>

#include "launch/exec_request.hpp"
#include "launch/launch_backends.hpp"
#include "os/system_error.hpp"

namespace tvp::detail {

namespace {

// Its own frame, never inlined: the child runs on the parent's stack, below
// this frame, and must never return from it (it execs or _exits in exec_in_child).
[[gnu::noinline]] pid_t vfork_and_exec(ExecRequest& request, const sigset_t& parent_mask) {
    const pid_t pid = ::vfork();
    if (pid == 0) request.exec_in_child(parent_mask);
    return pid;
}

}  // namespace

std::unique_ptr<RunningWorker> start_vfork(const std::filesystem::path& executable, const Task& task) {
    ExecRequest request(executable, task);
    pid_t pid;
    {
        const BlockedSignals blocked;
        pid = vfork_and_exec(request, blocked.previous());
    }
    if (pid < 0) throw_errno("vfork");
    ChildProcess child(pid);
    // The child has exec'd or ended here: a failed exec left its errno behind.
    if (const int error = request.exec_error()) {
        child.wait();
        throw_system_error(error, "vfork+execve " + request.path());
    }
    return std::make_unique<ChildProcessWorker>(std::move(child));
}

}  // namespace tvp::detail
