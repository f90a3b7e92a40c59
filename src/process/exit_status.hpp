#pragma once
// How a worker ended: an exit code (threads: the task's return value) or a signal.
#include <string>

namespace tvp {

struct ExitStatus {
    enum class Kind { exited, signaled };
    Kind kind = Kind::exited;
    int value = 0;  // exit code for `exited`, signal number for `signaled`

    static ExitStatus exited(int code) { return {Kind::exited, code}; }
    static ExitStatus signaled(int signal) { return {Kind::signaled, signal}; }
    // Decodes a status from waitpid().
    static ExitStatus from_wait_status(int wait_status);

    bool success() const { return kind == Kind::exited && value == 0; }
    // "exited with code 3" or "killed by signal SIGSEGV (Segmentation fault)".
    std::string describe() const;
    bool operator==(const ExitStatus&) const = default;
};

// "SIGSEGV" for 11; "signal 99" for numbers without a name.
std::string signal_name(int signal);

}  // namespace tvp
