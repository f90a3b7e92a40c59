#include "process/child_process.hpp"

#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <stdexcept>
#include <utility>

#include "os/system_error.hpp"
#include "os/unique_fd.hpp"

#ifndef P_PIDFD
#define P_PIDFD 3  // waitid on a pidfd (Linux 5.4), from <linux/wait.h>
#endif

namespace tvp {

int wait_for_pidfd(int pidfd, siginfo_t& info, int options) {
    int result;
    do {
        result = ::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(pidfd), &info, options);
    } while (result < 0 && errno == EINTR);
    return result;
}

namespace {

// waitpid that retries on EINTR; returns the raw status or -1 with errno set.
int wait_for(pid_t pid, int& status) {
    int result;
    do {
        result = ::waitpid(pid, &status, 0);
    } while (result < 0 && errno == EINTR);
    return result;
}

// Kills and reaps `pid` if it is our child, through a pidfd: the pidfd names one
// process for as long as it is open (its pid cannot be reused under it), and
// waitid on it fails with ECHILD unless that process is a child of ours,
// running or ended but not yet reaped. Returns false if pidfds are unsupported.
bool kill_and_reap_through_pidfd(pid_t pid) {
    UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    if (!pidfd) return errno != ENOSYS;  // ESRCH: no such process, nothing of ours to kill
    siginfo_t info{};
    if (wait_for_pidfd(pidfd.get(), info, WEXITED | WNOHANG | WNOWAIT) != 0) return true;      // not our child
    if (info.si_pid == 0) ::syscall(SYS_pidfd_send_signal, pidfd.get(), SIGKILL, nullptr, 0);  // still running
    wait_for_pidfd(pidfd.get(), info, WEXITED);
    return true;
}

// Before Linux 5.3: the same check through the pid. A running or ended child
// of ours keeps its pid until reaped, so the check holds unless the kernel
// reaps our children itself (SIGCHLD ignored, which bench resets at start).
void kill_and_reap_through_pid(pid_t pid) {
    siginfo_t info{};
    if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0) return;
    if (info.si_pid == 0) ::kill(pid, SIGKILL);
    int status = 0;
    wait_for(pid, status);
}

}  // namespace

bool child_running(pid_t pid) {
    siginfo_t info{};
    return ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == 0;
}

ExitStatus exit_status_from_siginfo(const siginfo_t& info) {
    if (info.si_code == CLD_EXITED) return ExitStatus::exited(info.si_status);
    return ExitStatus::signaled(info.si_status);  // CLD_KILLED or CLD_DUMPED
}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
    if (this != &other) {
        kill_and_reap();
        pid_ = std::exchange(other.pid_, -1);
        pidfd_ = std::move(other.pidfd_);
    }
    return *this;
}

ExitStatus ChildProcess::wait() {
    if (pid_ <= 0) throw std::logic_error("ChildProcess::wait: no child to wait for");
    const pid_t pid = std::exchange(pid_, -1);  // reaped now, or (on failure) no longer provably ours
    if (const UniqueFd pidfd = std::move(pidfd_)) {
        siginfo_t info{};  // waitid blocks until the child has ended
        if (wait_for_pidfd(pidfd.get(), info, WEXITED) != 0) throw_errno("waitid(P_PIDFD) for " + std::to_string(pid));
        return exit_status_from_siginfo(info);
    }
    int status = 0;
    if (wait_for(pid, status) < 0) throw_errno("waitpid(" + std::to_string(pid) + ")");
    return ExitStatus::from_wait_status(status);
}

void ChildProcess::kill_and_reap() noexcept {
    const pid_t pid = std::exchange(pid_, -1);
    if (pid <= 0) return;
    if (const UniqueFd pidfd = std::move(pidfd_)) {
        // ESRCH once it has ended: then the wait just reaps it.
        ::syscall(SYS_pidfd_send_signal, pidfd.get(), SIGKILL, nullptr, 0);
        siginfo_t info{};
        wait_for_pidfd(pidfd.get(), info, WEXITED);
        return;
    }
    if (!kill_and_reap_through_pidfd(pid)) kill_and_reap_through_pid(pid);
}

}  // namespace tvp
