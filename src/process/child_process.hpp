#pragma once
// Owner of one child process: waits for it once, and kills and reaps it if it
// is abandoned (destroyed before wait()), so no path leaves a zombie. Made with
// a pidfd (clone3's CLONE_PIDFD), it waits and kills through it: the pidfd names
// that process and no other while it is open. Made with a pid alone, it never
// signals a pid it cannot prove is still its un-reaped child: once a wait has
// failed (ECHILD when the kernel reaped the child itself, because SIGCHLD was
// ignored) the pid may belong to anybody, and is forgotten.
#include <signal.h>
#include <sys/types.h>

#include <utility>

#include "os/unique_fd.hpp"
#include "process/exit_status.hpp"

namespace tvp {

class ChildProcess {
public:
    ChildProcess() = default;
    explicit ChildProcess(pid_t pid) : pid_(pid) {}
    ChildProcess(pid_t pid, UniqueFd pidfd) : pid_(pid), pidfd_(std::move(pidfd)) {}
    ChildProcess(ChildProcess&& other) noexcept
        : pid_(std::exchange(other.pid_, -1)), pidfd_(std::move(other.pidfd_)) {}
    ChildProcess& operator=(ChildProcess&& other) noexcept;
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    ~ChildProcess() { kill_and_reap(); }

    pid_t pid() const { return pid_; }
    // The pidfd it was made with, or -1.
    int pidfd() const { return pidfd_.get(); }
    // True from construction with a pid until wait() or kill_and_reap() has
    // reaped it (or given it up); false for a default-constructed or moved-from one.
    bool holds_unwaited_child() const { return pid_ > 0; }
    // Blocks until the child ends (retrying on EINTR) and reaps it. Throws
    // std::system_error if it cannot (the child is then no longer ours).
    ExitStatus wait();
    // SIGKILL, then reap, if the pid is still an un-reaped child of this
    // process (checked through a pidfd); does nothing once waited for.
    void kill_and_reap() noexcept;

private:
    pid_t pid_ = -1;
    UniqueFd pidfd_;  // empty when made with a pid alone
};

// True while `pid`, a child of this process, runs; an ended child is left for
// its owner to reap (WNOWAIT).
bool child_running(pid_t pid);

// waitid(P_PIDFD) on `pidfd`, retried on EINTR: 0, or -1 with errno set.
int wait_for_pidfd(int pidfd, siginfo_t& info, int options);

// How a child ended, from waitid()'s siginfo.
ExitStatus exit_status_from_siginfo(const siginfo_t& info);

}  // namespace tvp
