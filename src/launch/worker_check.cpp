#include "launch/worker_check.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <system_error>

#include "process/child_process.hpp"
#include "process/parent_death.hpp"
#include "os/random_bytes.hpp"
#include "os/unique_fd.hpp"

namespace tvp {

namespace {

constexpr auto handshake_timeout = std::chrono::seconds(5);

// True once `child` has ended (not yet reaped), false if it is still running at
// `deadline`: its pidfd turns readable when it ends. Without pidfds (Linux
// before 5.3) it cannot tell, and says true: the wait that follows may then block.
bool ends_before(const ChildProcess& child, std::chrono::steady_clock::time_point deadline) {
    const UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, child.pid(), 0)));
    if (!pidfd) return errno == ENOSYS;
    while (true) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        pollfd ended{.fd = pidfd.get(), .events = POLLIN, .revents = 0};
        const int ready = ::poll(&ended, 1, static_cast<int>(std::max<long long>(left.count(), 0)));
        if (ready >= 0 || errno != EINTR) return ready > 0;
    }
}

// Starts `program handshake` with its stdout on a pipe; returns what it printed
// (up to a line) and how it ended. Kills it if it does not finish in time.
// It runs as every spawned worker does, named TVP_PARENT_PID included: a
// program that starts the worker as a child of its own instead of exec'ing it
// fails here, as its workers would fail every benchmark (they die at once, their
// parent not being bench, and the manager server refuses them). Its stderr
// goes to /dev/null: the refusal is bench's one line.
// A program that cannot be started at all (a policy denies the call) gives
// the reason instead: a handshake never tried is not a wrong answer.
struct HandshakeOutcome {
    std::optional<std::string> reply;
    int start_error = 0;
};

HandshakeOutcome handshake(const std::filesystem::path& program, std::uint64_t challenge) {
    FdPair output = make_pipe();
    posix_spawn_file_actions_t actions;
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawn_file_actions_adddup2(&actions, output.second.get(), STDOUT_FILENO);
    ::posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    std::string path = program.string(), task = "handshake", argument = std::to_string(challenge);
    char* argv[] = {path.data(), task.data(), argument.data(), nullptr};
    ChildEnvironment environment;
    pid_t pid = -1;
    const int error = ::posix_spawn(&pid, path.c_str(), &actions, nullptr, argv, environment.get());
    ::posix_spawn_file_actions_destroy(&actions);
    if (error != 0) return {.reply = std::nullopt, .start_error = error};
    ChildProcess child(pid);  // killed and reaped on every path out of here
    output.second.reset();

    std::string reply;
    const auto deadline = std::chrono::steady_clock::now() + handshake_timeout;
    while (reply.find('\n') == std::string::npos && reply.size() < 256) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        pollfd ready{.fd = output.first.get(), .events = POLLIN, .revents = 0};
        if (left.count() <= 0 || ::poll(&ready, 1, static_cast<int>(left.count())) <= 0) break;
        char buffer[256];
        const ssize_t got = ::read(output.first.get(), buffer, sizeof buffer);
        if (got <= 0) break;
        reply.append(buffer, static_cast<std::size_t>(got));
    }
    if (reply.find('\n') == std::string::npos) return {};
    if (!ends_before(child, deadline) || !child.wait().success()) return {};
    return {.reply = reply.substr(0, reply.find('\n'))};
}

}  // namespace

std::optional<std::string> worker_executable_problem(const std::filesystem::path& program) {
    namespace fs = std::filesystem;
    std::string quoted = "'";
    quoted.append(program.string()).append("'");
    std::error_code error;
    const auto status = fs::status(program, error);
    if (error || !fs::exists(status)) return quoted.append(" does not exist");
    if (!fs::is_regular_file(status)) return quoted.append(" is not a regular file");
    if (::access(program.c_str(), X_OK) != 0) return quoted.append(" is not executable");
    std::uint64_t challenge = 0;
    fill_random({reinterpret_cast<unsigned char*>(&challenge), sizeof challenge});
    const HandshakeOutcome outcome = handshake(program, challenge);
    if (outcome.start_error != 0)
        return quoted.append(" could not be started: posix_spawn: ")
            .append(std::generic_category().message(outcome.start_error))
            .append(outcome.start_error == EPERM ? " (a security policy, such as a seccomp filter, denies it)" : "");
    if (outcome.reply != handshake_line(challenge))
        return quoted.append(" did not answer the handshake as the suite's worker");
    return std::nullopt;
}

}  // namespace tvp
