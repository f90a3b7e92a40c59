#include "os/process_signals.hpp"

#include <signal.h>

#include <algorithm>
#include <array>
#include <string>

#include "os/system_error.hpp"

namespace tvp {

namespace {

// Ignored on purpose by whoever started us: kept as inherited.
constexpr std::array kept_as_inherited{SIGHUP, SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU};

void set_disposition(int signal, void (*handler)(int)) {
    struct sigaction action {};
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    if (::sigaction(signal, &action, nullptr) != 0) throw_errno("sigaction(" + std::to_string(signal) + ")");
}

}  // namespace

void reset_inherited_signal_state() {
    sigset_t none;
    sigemptyset(&none);
    if (::sigprocmask(SIG_SETMASK, &none, nullptr) != 0) throw_errno("sigprocmask");

    for (int signal = 1; signal <= SIGRTMAX; ++signal) {
        if (signal == SIGKILL || signal == SIGSTOP || signal == SIGPIPE || signal == SIGCHLD) continue;
        if (std::ranges::find(kept_as_inherited, signal) != kept_as_inherited.end()) continue;
        struct sigaction current {};
        // glibc reserves two real-time signals for itself: sigaction refuses them (EINVAL).
        if (::sigaction(signal, nullptr, &current) != 0) continue;
        if (current.sa_handler == SIG_IGN) set_disposition(signal, SIG_DFL);
    }
    // Default, and without SA_NOCLDWAIT: the kernel keeps ended children for waitpid.
    set_disposition(SIGCHLD, SIG_DFL);
    set_disposition(SIGPIPE, SIG_IGN);
}

}  // namespace tvp
