#include "segment_janitor.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <string>

#include "system_error.hpp"

namespace tvp {

namespace {

[[noreturn]] void run_janitor(int owner_gone, pid_t owner) {
    ::setsid();
    char byte;
    while (::read(owner_gone, &byte, 1) < 0 && errno == EINTR) {
    }
    const std::string prefix = "tvp-" + std::to_string(owner) + "-";
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator("/dev/shm", error))
        if (entry.path().filename().string().starts_with(prefix)) std::filesystem::remove(entry.path(), error);
    ::_exit(0);
}

}  // namespace

void start_segment_janitor() {
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) != 0) throw_errno("pipe for the segment janitor");
    const pid_t owner = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) throw_errno("fork of the segment janitor");
    if (pid == 0) {
        ::close(ends[1]);
        run_janitor(ends[0], owner);
    }
    ::close(ends[0]);
    // ends[1] stays open, on purpose, until this process ends: its closing is the signal.
}

}  // namespace tvp
