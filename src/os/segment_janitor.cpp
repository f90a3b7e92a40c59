#include "os/segment_janitor.hpp"

#include "os/forked_child.hpp"

#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <string_view>
#include <unordered_set>

#include "os/private_socket.hpp"
#include "os/system_error.hpp"
#include "os/unique_fd.hpp"

namespace tvp {

namespace {

// Messages on the channel: one packet each, '+' or '-' and the name.
constexpr char announced = '+', withdrawn = '-';
constexpr std::size_t max_name_bytes = 200;

// This process's end of the channel; empty when no janitor was started.
UniqueFd& channel_to_janitor() {
    static UniqueFd channel;
    return channel;
}

// The only names the janitor acts on: "/tvp-" and letters, digits, '-' and '_'.
bool is_suite_name(std::string_view name) {
    return name.starts_with("/tvp-") && name.size() <= max_name_bytes &&
           std::all_of(name.begin() + 1, name.end(),
                       [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; });
}

void send_to_janitor(char kind, const std::string& name) {
    const int channel = channel_to_janitor().get();
    if (channel < 0) return;
    std::string message = kind + name;
    while (::send(channel, message.data(), message.size(), MSG_NOSIGNAL) < 0)
        if (errno != EINTR) throw_errno("telling the janitor about " + name);
}

// The janitor's side: every message the channel holds now. False at its end.
bool receive_all(int channel, std::unordered_set<std::string>& names) {
    char buffer[max_name_bytes + 2];
    while (true) {
        const ssize_t got = ::recv(channel, buffer, sizeof buffer, MSG_DONTWAIT);
        if (got == 0) return false;  // every sender is gone
        if (got < 0) return errno == EINTR || errno == EAGAIN;
        const std::string_view message(buffer, static_cast<std::size_t>(got));
        const std::string_view name = message.substr(1);
        if (!is_suite_name(name)) continue;
        if (message[0] == announced) names.emplace(name);
        if (message[0] == withdrawn) names.erase(std::string(name));
    }
}

// Only the owner's pidfd, the channel and /dev/null on 0, 1 and 2 stay open.
void keep_only(int first, int second) {
    const int null = ::open("/dev/null", O_RDWR);
    for (int stdio : {0, 1, 2}) ::dup2(null, stdio);
    const int low = std::min(first, second), high = std::max(first, second);
    if (low > 3) ::close_range(3, static_cast<unsigned>(low - 1), 0);
    if (high > low + 1) ::close_range(static_cast<unsigned>(low + 1), static_cast<unsigned>(high - 1), 0);
    ::close_range(static_cast<unsigned>(high + 1), ~0u, 0);
}

[[noreturn]] void run_janitor(int owner, int channel) {
    ::setsid();
    keep_only(owner, channel);
    std::unordered_set<std::string> names;
    pollfd watched[2] = {{.fd = owner, .events = POLLIN, .revents = 0},
                         {.fd = channel, .events = POLLIN, .revents = 0}};
    bool owner_ended = false;
    while (!owner_ended) {
        if (::poll(watched, 2, -1) < 0) {
            if (errno == EINTR || errno == ENOMEM) continue;
            ::_exit(1);  // never remove the names of an owner that may still run
        }
        // The pidfd turns readable when the owner has ended; the channel ends when all holders did.
        owner_ended = watched[0].revents != 0;
        if (!receive_all(channel, names)) owner_ended = true;
    }
    receive_all(channel, names);  // what was sent just before the end
    for (const std::string& name : names) {
        ::shm_unlink(name.c_str());  // a name already gone is no error: nothing else can have it
        ::mq_unlink(name.c_str());
        remove_private_socket(name);
    }
    ::_exit(0);
}

}  // namespace

void start_segment_janitor() {
    if (channel_to_janitor()) return;
    // Opened here, so that it refers to this process whatever happens to its pid.
    UniqueFd owner(static_cast<int>(::syscall(SYS_pidfd_open, ::getpid(), 0)));
    if (!owner) throw_errno("pidfd_open of this process for the janitor");
    int ends[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ends) != 0) throw_errno("socketpair for the janitor");
    UniqueFd ours(ends[0]), janitors(ends[1]);
    const pid_t pid = ::fork();
    if (pid < 0) throw_errno("fork of the janitor");
    if (pid == 0) {
        ours.reset();
        run_forked_child([&]() -> int { run_janitor(owner.get(), janitors.get()); }, "janitor");
    }
    channel_to_janitor() = std::move(ours);
}

void announce_name(const std::string& name) { send_to_janitor(announced, name); }

void withdraw_name(const std::string& name) noexcept {
    try {
        send_to_janitor(withdrawn, name);
    } catch (...) {
        // The janitor then removes a name that is gone already: no harm.
    }
}

}  // namespace tvp
