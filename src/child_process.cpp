#include "child_process.hpp"

#include <sys/wait.h>

#include <cerrno>
#include <csignal>
#include <stdexcept>

#include "system_error.hpp"

namespace tvp {

namespace {
// waitpid that retries on EINTR; returns the raw status or -1 with errno set.
int wait_for(pid_t pid, int& status) {
    int result;
    do {
        result = ::waitpid(pid, &status, 0);
    } while (result < 0 && errno == EINTR);
    return result;
}
}  // namespace

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
    if (this != &other) {
        kill_and_reap();
        pid_ = other.pid_;
        other.pid_ = -1;
    }
    return *this;
}

ExitStatus ChildProcess::wait() {
    if (pid_ <= 0) throw std::logic_error("ChildProcess::wait: no child to wait for");
    int status = 0;
    if (wait_for(pid_, status) < 0) throw_errno("waitpid(" + std::to_string(pid_) + ")");
    pid_ = -1;
    return ExitStatus::from_wait_status(status);
}

void ChildProcess::kill_and_reap() noexcept {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    wait_for(pid_, status);
    pid_ = -1;
}

}  // namespace tvp
