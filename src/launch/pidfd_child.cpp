#include "launch/pidfd_child.hpp"

#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

#include "os/system_error.hpp"

#ifndef P_PIDFD
#define P_PIDFD 3  // waitid on a pidfd (Linux 5.4), from <linux/wait.h>
#endif

namespace tvp {

namespace {

int wait_through(int pidfd, siginfo_t& info) {
    int result;
    do {
        result = ::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(pidfd), &info, WEXITED);
    } while (result < 0 && errno == EINTR);
    return result;
}

}  // namespace

ExitStatus exit_status_from_siginfo(const siginfo_t& info) {
    if (info.si_code == CLD_EXITED) return ExitStatus::exited(info.si_status);
    return ExitStatus::signaled(info.si_status);  // CLD_KILLED or CLD_DUMPED
}

ExitStatus PidfdChild::wait() {
    if (!pidfd_) throw std::logic_error("PidfdChild::wait: no child to wait for");
    const UniqueFd pidfd = std::move(pidfd_);  // reaped now, or (on failure) given up
    pollfd ended{.fd = pidfd.get(), .events = POLLIN, .revents = 0};
    while (::poll(&ended, 1, -1) < 0)
        if (errno != EINTR) throw_errno("poll on the pidfd of " + std::to_string(pid_));
    siginfo_t info{};
    if (wait_through(pidfd.get(), info) != 0) throw_errno("waitid(P_PIDFD) for " + std::to_string(pid_));
    return exit_status_from_siginfo(info);
}

void PidfdChild::kill_and_reap() noexcept {
    if (!pidfd_) return;
    const UniqueFd pidfd = std::move(pidfd_);
    // ESRCH once it has ended: then the wait just reaps it.
    ::syscall(SYS_pidfd_send_signal, pidfd.get(), SIGKILL, nullptr, 0);
    siginfo_t info{};
    wait_through(pidfd.get(), info);
}

}  // namespace tvp
