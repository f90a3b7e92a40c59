#pragma once
// Owner of one child process through its pidfd (from clone3's CLONE_PIDFD):
// the pidfd names that process and no other for as long as it is open, so
// waiting for it and killing it can never reach a process that got its pid
// later. Waits once; kills and reaps it if abandoned.
#include <signal.h>
#include <sys/types.h>

#include "process/exit_status.hpp"
#include "os/unique_fd.hpp"

namespace tvp {

class PidfdChild {
public:
    PidfdChild(UniqueFd pidfd, pid_t pid) : pidfd_(std::move(pidfd)), pid_(pid) {}
    PidfdChild(PidfdChild&&) noexcept = default;
    PidfdChild& operator=(PidfdChild&&) = delete;
    ~PidfdChild() { kill_and_reap(); }

    pid_t pid() const { return pid_; }
    int pidfd() const { return pidfd_.get(); }
    // waitid(P_PIDFD, WEXITED) blocks until the child has ended and reaps it.
    // Throws std::system_error if it cannot.
    ExitStatus wait();
    // SIGKILL through the pidfd, then reap; does nothing once waited for.
    void kill_and_reap() noexcept;

private:
    UniqueFd pidfd_;
    pid_t pid_;
};

// How a child ended, from waitid()'s siginfo.
ExitStatus exit_status_from_siginfo(const siginfo_t& info);

}  // namespace tvp
