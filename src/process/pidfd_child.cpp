#include "process/pidfd_child.hpp"

#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

#include "process/child_process.hpp"
#include "os/system_error.hpp"

namespace tvp {

ExitStatus exit_status_from_siginfo(const siginfo_t& info) {
    if (info.si_code == CLD_EXITED) return ExitStatus::exited(info.si_status);
    return ExitStatus::signaled(info.si_status);  // CLD_KILLED or CLD_DUMPED
}

ExitStatus PidfdChild::wait() {
    if (!pidfd_) throw std::logic_error("PidfdChild::wait: no child to wait for");
    const UniqueFd pidfd = std::move(pidfd_);  // reaped now, or (on failure) given up
    siginfo_t info{};  // waitid blocks until the child has ended: no poll first
    if (wait_for_pidfd(pidfd.get(), info, WEXITED) != 0) throw_errno("waitid(P_PIDFD) for " + std::to_string(pid_));
    return exit_status_from_siginfo(info);
}

void PidfdChild::kill_and_reap() noexcept {
    if (!pidfd_) return;
    const UniqueFd pidfd = std::move(pidfd_);
    // ESRCH once it has ended: then the wait just reaps it.
    ::syscall(SYS_pidfd_send_signal, pidfd.get(), SIGKILL, nullptr, 0);
    siginfo_t info{};
    wait_for_pidfd(pidfd.get(), info, WEXITED);
}

}  // namespace tvp
