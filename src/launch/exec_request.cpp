#include "launch/exec_request.hpp"

#include <pthread.h>
#include <unistd.h>

#include <cerrno>

#include "launch/launch_backends.hpp"

namespace tvp {

ExecRequest::ExecRequest(const std::filesystem::path& executable, const Task& task)
    : words_(detail::worker_command_line(executable, task)) {
    argv_.reserve(words_.size() + 1);
    for (std::string& word : words_) argv_.push_back(word.data());
    argv_.push_back(nullptr);
}

void ExecRequest::exec_in_child(const sigset_t& parent_mask) noexcept {
    // The child has its own copy of the signal dispositions (no CLONE_SIGHAND):
    // resetting them here leaves the parent's alone. sigaction() fails, harmlessly,
    // for the signals glibc keeps for itself.
    for (int signal = 1; signal < NSIG; ++signal) {
        struct sigaction action {};
        if (::sigaction(signal, nullptr, &action) != 0) continue;
        if (action.sa_handler == SIG_DFL || action.sa_handler == SIG_IGN) continue;
        action.sa_handler = SIG_DFL;
        action.sa_flags = 0;
        ::sigaction(signal, &action, nullptr);
    }
    ::sigprocmask(SIG_SETMASK, &parent_mask, nullptr);
    ::execve(argv_.front(), argv_.data(), environment_.get());
    exec_errno_ = errno;
    ::_exit(127);
}

BlockedSignals::BlockedSignals() {
    sigset_t all;
    sigfillset(&all);
    ::pthread_sigmask(SIG_SETMASK, &all, &previous_);
}

BlockedSignals::~BlockedSignals() { ::pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }

}  // namespace tvp
