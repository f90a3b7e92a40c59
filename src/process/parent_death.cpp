#include "process/parent_death.hpp"

#include <sys/prctl.h>
#include <unistd.h>

#include <charconv>
#include <csignal>
#include <cstdlib>
#include <cstring>

extern char** environ;

namespace tvp {

namespace {

// Only async-signal-safe calls: this runs in a child forked from a process
// that may have other threads.
void die_with(pid_t expected_parent) noexcept {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    // The parent may have ended before the request: then it is not our parent any more.
    if (::getppid() != expected_parent) ::raise(SIGKILL);
}

}  // namespace

pid_t fork_dying_with_parent() noexcept {
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid == 0) die_with(parent);
    return pid;
}

ChildEnvironment::ChildEnvironment()
    : assignment_(std::string(parent_pid_variable) + "=" + std::to_string(::getpid())) {
    const std::string prefix = std::string(parent_pid_variable) + "=";
    for (char** variable = environ; *variable != nullptr; ++variable)
        if (std::strncmp(*variable, prefix.c_str(), prefix.size()) != 0) variables_.push_back(*variable);
    variables_.push_back(assignment_.data());
    variables_.push_back(nullptr);
}

void die_with_parent_named_in_environment() noexcept {
    const char* text = std::getenv(parent_pid_variable);
    if (text == nullptr) return;
    pid_t parent = 0;
    const char* end = text + std::strlen(text);
    const auto [rest, error] = std::from_chars(text, end, parent);
    if (error != std::errc{} || rest != end || parent <= 0) return;
    die_with(parent);
}

}  // namespace tvp
