#include "process/exit_status.hpp"

#include <sys/wait.h>

#include <cstring>
#include <stdexcept>

namespace tvp {

ExitStatus ExitStatus::from_wait_status(int wait_status) {
    if (WIFEXITED(wait_status)) return exited(WEXITSTATUS(wait_status));
    if (WIFSIGNALED(wait_status)) return signaled(WTERMSIG(wait_status));
    throw std::invalid_argument("wait status " + std::to_string(wait_status) +
                                " describes a process that has not ended");
}

std::string signal_name(int signal) {
    if (const char* abbrev = sigabbrev_np(signal)) return std::string("SIG") + abbrev;
    return "signal " + std::to_string(signal);
}

std::string ExitStatus::describe() const {
    if (kind == Kind::exited) return "exited with code " + std::to_string(value);
    std::string text = "killed by signal " + signal_name(value);
    if (const char* description = sigdescr_np(value)) text += std::string(" (") + description + ")";
    return text;
}

}  // namespace tvp
