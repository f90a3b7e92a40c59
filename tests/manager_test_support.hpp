#pragma once
// Bounded waits for the manager tests: a test whose fix is missing must fail,
// never hang, so every wait for a child or a worker has a limit, after which
// the process is killed and reaped.
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "os/private_socket.hpp"
#include "launch/launcher.hpp"
#include "manager/server_protocol.hpp"
#include "os/unique_fd.hpp"

namespace tvp::testing {

using namespace std::chrono_literals;

// Polls until `pid` has ended, without reaping it (WNOWAIT), for at most `limit`.
inline bool ended_within(pid_t pid, std::chrono::milliseconds limit) {
    const auto give_up = std::chrono::steady_clock::now() + limit;
    while (true) {
        siginfo_t info{};
        if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid)
            return true;
        if (std::chrono::steady_clock::now() > give_up) return false;
        std::this_thread::sleep_for(2ms);
    }
}

// Runs `body` in a forked child that leaves with its return value (1 if it
// throws); the exit code, or nullopt if it had to be killed after `limit`.
inline std::optional<int> run_in_child(const std::function<int()>& body, std::chrono::milliseconds limit) {
    const pid_t pid = ::fork();
    if (pid < 0) return std::nullopt;
    if (pid == 0) {
        int code = 1;
        try {
            code = body();
        } catch (...) {}
        ::_exit(code);
    }
    const bool ended = ended_within(pid, limit);
    if (!ended) ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!ended) return std::nullopt;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Starts every task and joins them all within `limit` in total; a worker still
// running then is killed. True if all ended in time and succeeded.
inline bool run_all_within(const Launcher& launcher, const std::vector<Task>& tasks, std::chrono::milliseconds limit) {
    std::vector<std::unique_ptr<RunningWorker>> running;
    for (const Task& task : tasks) running.push_back(launcher.start(task));
    const auto give_up = std::chrono::steady_clock::now() + limit;
    bool all_succeeded = true;
    for (auto& worker : running) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(give_up - std::chrono::steady_clock::now());
        if (const auto pid = worker->pid(); pid && !ended_within(*pid, std::max(left, 0ms))) {
            ::kill(*pid, SIGKILL);  // not reaped yet: still ours
            all_succeeded = false;
        }
        all_succeeded = worker->join().success() && all_succeeded;
    }
    return all_succeeded;
}

// A connection to a manager server that speaks the wire format by hand, as a
// stranger or a broken client would. Its reads give up after `timeout`.
class RawClient {
public:
    explicit RawClient(const std::string& socket_name, std::chrono::milliseconds timeout = 5000ms) {
        socklen_t length = 0;
        const sockaddr_un address = unix_socket_address(socket_name, length);
        const timeval limit{.tv_sec = timeout.count() / 1000, .tv_usec = timeout.count() % 1000 * 1000};
        for (int attempt = 0; attempt < 5000; ++attempt) {  // the server may still be starting
            fd_.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
            ::setsockopt(fd_.get(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
            if (::connect(fd_.get(), reinterpret_cast<const sockaddr*>(&address), length) == 0) return;
            std::this_thread::sleep_for(1ms);
        }
        fd_.reset();
    }
    bool connected() const { return static_cast<bool>(fd_); }

    bool send_bytes(const void* data, std::size_t size) {
        return ::send(fd_.get(), data, size, MSG_NOSIGNAL) == static_cast<ssize_t>(size);
    }
    bool send_hello(const manager::AuthKey& key) {
        manager::wire::Hello hello{.magic = manager::wire::hello_magic, .key = {}};
        std::copy(key.bytes().begin(), key.bytes().end(), hello.key);
        return send_bytes(&hello, sizeof hello);
    }
    bool send_request(std::uint32_t op, std::uint32_t worker = 0, std::uint64_t value = 0) {
        const manager::wire::Request request{op, worker, value};
        return send_bytes(&request, sizeof request);
    }
    enum class Outcome { answered, closed, silent };
    // What became of the last request: a whole reply came, the server closed
    // (or reset) the connection, or nothing came within the timeout.
    Outcome outcome() {
        manager::wire::Reply reply{};
        std::size_t have = 0;
        while (have < sizeof reply) {
            const ssize_t got = ::recv(fd_.get(), reinterpret_cast<char*>(&reply) + have, sizeof reply - have, 0);
            if (got == 0 || (got < 0 && errno == ECONNRESET)) return Outcome::closed;
            if (got < 0 && errno == EINTR) continue;
            if (got < 0) return Outcome::silent;
            have += static_cast<std::size_t>(got);
        }
        return Outcome::answered;
    }

private:
    UniqueFd fd_;
};

}  // namespace tvp::testing
