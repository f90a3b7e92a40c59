// The manager server: one thread, poll(2) over the listener and every client,
// non-blocking reads and writes with a buffer per client, so that no client
// can hold up the others (server_store.hpp says what it admits).
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <deque>
#include <fstream>
#include <list>
#include <map>
#include <sstream>

#include "manager/server_protocol.hpp"
#include "manager/server_store.hpp"
#include "os/private_socket.hpp"
#include "os/shared_memory.hpp"
#include "os/system_error.hpp"
#include "os/arguments.hpp"

namespace tvp::manager {

namespace {

using Clock = std::chrono::steady_clock;
using namespace wire;

// After accept4 fails for want of descriptors or memory (EMFILE, ENFILE,
// ENOBUFS, ENOMEM) the pending connection stays queued and poll() keeps
// reporting the listener ready: it is left out of poll() this long instead of
// being retried in a busy loop.
constexpr auto accept_backoff = std::chrono::milliseconds(100);
constexpr int accepts_per_wakeup = 16;
constexpr auto orphan_check_interval = std::chrono::seconds(1);

// The parent of `pid` from /proc/<pid>/stat ("pid (comm) state ppid ..."), or
// -1 if it cannot be read (the process is gone).
pid_t parent_of(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    const std::string line((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    const auto name_end = line.rfind(')');  // the command name may itself hold ')' and spaces
    if (name_end == std::string::npos) return -1;
    std::istringstream rest(line.substr(name_end + 1));
    char state = 0;
    pid_t parent = -1;
    rest >> state >> parent;
    return rest ? parent : -1;
}

struct Client {
    UniqueFd fd;
    bool control = false;                     // the parent's own connection
    bool authenticated = false;               // sent the key
    bool waiting = false;                     // asked for the lock, not granted yet
    bool gone = false;                        // dropped; removed at the end of this round
    unsigned char frame[sizeof(Hello)] = {};  // the message being received (a Hello or a Request)
    std::size_t have = 0;
    std::string out;  // reply bytes not sent yet
    std::size_t sent = 0;
    Clock::time_point deadline = Clock::time_point::max();  // to finish `frame` or take `out`

    std::size_t frame_size() const { return authenticated ? sizeof(Request) : sizeof(Hello); }
};

class Server {
public:
    explicit Server(const ServerConfig& config)
        : config_(config), in_process_(config.parent == ::getpid()), listener_(config.socket_name, 256) {}

    void serve() {
        auto next_orphan_check = Clock::now() + orphan_check_interval;
        while (running_) {
            std::vector<pollfd>& watched = watched_;
            std::vector<Client*>& owners = owners_;  // owners[i] is watched[i + listening]
            watched.clear();                         // kept between rounds: no allocation per request
            owners.clear();
            const auto now = Clock::now();
            auto wake = std::min(now + orphan_check_interval, next_orphan_check);
            const bool listening = now >= accept_paused_until_;
            if (listening) watched.push_back({listener_.get(), POLLIN, 0});
            else wake = std::min(wake, accept_paused_until_);
            for (Client& client : clients_) {
                watched.push_back({client.fd.get(), static_cast<short>(client.out.empty() ? POLLIN : POLLOUT), 0});
                owners.push_back(&client);
                wake = std::min(wake, client.deadline);
            }
            const auto wait =
                std::chrono::ceil<std::chrono::milliseconds>(std::max(wake - now, Clock::duration::zero()));
            const int ready = ::poll(watched.data(), watched.size(), static_cast<int>(wait.count()));
            if (ready < 0 && errno != EINTR) throw_errno("poll");
            if (ready > 0) {
                if (listening && (watched[0].revents & POLLIN)) accept_clients();
                for (std::size_t i = 0; i < owners.size(); ++i) {
                    const short events = watched[i + listening].revents;
                    if (events == 0 || owners[i]->gone) continue;
                    if (!owners[i]->out.empty()) flush(*owners[i]);
                    else receive(*owners[i]);
                }
            }
            grant_lock();
            drop_stalled(Clock::now());
            std::erase_if(clients_, [](const Client& client) { return client.gone; });
            if (Clock::now() >= next_orphan_check) {
                if (!in_process_ && ::getppid() != config_.parent) return;  // nobody will ask us to stop
                next_orphan_check = Clock::now() + orphan_check_interval;
            }
        }
    }

private:
    void accept_clients() {
        for (int accepted = 0; accepted < accepts_per_wakeup; ++accepted) {
            UniqueFd fd(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
            if (!fd) {
                if (errno == EAGAIN || errno == EWOULDBLOCK) return;
                if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO) continue;  // that connection is gone
                accept_paused_until_ = Clock::now() + accept_backoff;  // EMFILE, ENFILE, ENOBUFS, ENOMEM, ...
                return;
            }
            ucred peer{};
            socklen_t length = sizeof peer;
            if (::getsockopt(fd.get(), SOL_SOCKET, SO_PEERCRED, &peer, &length) != 0 || !expected(peer)) {
                ++refused_;
                continue;  // closed here, before it can send a byte
            }
            Client& client = clients_.emplace_back();
            client.fd = std::move(fd);
            client.control = peer.pid == config_.parent;
            client.deadline = Clock::now() + config_.client_timeout;  // to send its key
        }
    }

    // This user, and the parent or a process the parent started (its workers;
    // threads of the parent share its pid).
    bool expected(const ucred& peer) const {
        if (peer.uid != ::geteuid()) return false;
        return peer.pid == config_.parent || parent_of(peer.pid) == config_.parent;
    }

    void drop(Client& client, bool refused) {
        if (client.gone) return;
        client.gone = true;
        client.fd.reset();
        if (lock_owner_ == &client)
            lock_owner_ = nullptr;  // a client that dies holding the lock must not block the others
        std::erase(waiting_, &client);
        ++(refused ? refused_ : dropped_);
    }

    void drop_stalled(Clock::time_point now) {
        for (Client& client : clients_)
            if (!client.gone && client.deadline <= now) drop(client, true);
    }

    void receive(Client& client) {
        const std::size_t need = client.frame_size();
        ssize_t got;
        do got = ::recv(client.fd.get(), client.frame + client.have, need - client.have, MSG_DONTWAIT);
        while (got < 0 && errno == EINTR);
        if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        if (got <= 0) {  // closed (mid-message counts as closed too), or reset
            drop(client, false);
            return;
        }
        if (client.deadline == Clock::time_point::max()) client.deadline = Clock::now() + config_.client_timeout;
        client.have += static_cast<std::size_t>(got);
        if (client.have < need) return;
        client.have = 0;
        client.deadline = Clock::time_point::max();
        if (!client.authenticated) {
            Hello hello;
            std::memcpy(&hello, client.frame, sizeof hello);
            if (hello.magic != hello_magic ||
                !config_.key.matches(std::span<const unsigned char, AuthKey::size>(hello.key)))
                return drop(client, true);
            client.authenticated = true;
            return;  // no reply: a request follows at once, and keeps one round trip per operation
        }
        Request request;
        std::memcpy(&request, client.frame, sizeof request);
        handle(client, request);
    }

    // A request that breaks a rule disconnects its client: a well-behaved worker never sends one.
    void handle(Client& client, const Request& request) {
        auto refuse = [&] { drop(client, true); };
        if (client.waiting) return refuse();  // a request while waiting for the lock
        if (request.op >= op_dump_list && !client.control) return refuse();
        switch (request.op) {
            case op_lock:
                if (lock_owner_ == &client) return refuse();  // would wait for itself
                if (lock_owner_ == nullptr) {
                    lock_owner_ = &client;
                    return answer(client, 0, 0);
                }
                client.waiting = true;
                waiting_.push_back(&client);  // answered when granted
                return;
            case op_unlock:
                if (lock_owner_ != &client) return refuse();
                lock_owner_ = nullptr;  // granted to the next in grant_lock()
                return answer(client, 0, 0);
            case op_set:
                if (request.worker >= config_.workers) return refuse();
                dict_[worker_key(request.worker)] = request.value;
                return answer(client, 0, 0);
            case op_append:
                if (list_.size() >= reserved_) return refuse();  // more than the run reserved
                list_.push_back(request.value);
                return answer(client, 0, 0);
            case op_get: {
                if (request.worker >= config_.workers) return refuse();
                const auto found = dict_.find(worker_key(request.worker));
                if (found == dict_.end()) return answer(client, 1, 0);
                return answer(client, 0, found->second);
            }
            case op_dump_list:
                return answer(client, 0, list_.size(),
                              {reinterpret_cast<const char*>(list_.data()), list_.size() * sizeof(std::uint64_t)});
            case op_dump_dict: {
                std::string encoded;
                for (const auto& [key, value] : dict_) {
                    const auto length = static_cast<std::uint32_t>(key.size());
                    encoded.append(reinterpret_cast<const char*>(&length), sizeof length).append(key);
                    encoded.append(reinterpret_cast<const char*>(&value), sizeof value);
                }
                return answer(client, 0, encoded.size(), encoded);
            }
            case op_reset:
                if (request.value > config_.list_capacity) return refuse();  // never reserve() what a peer asks
                dict_.clear();
                list_.clear();
                list_.reserve(request.value);
                reserved_ = request.value;
                dropped_ = 0;
                return answer(client, 0, 0);
            case op_dropped: return answer(client, 0, dropped_);
            case op_refused: return answer(client, 0, refused_);
            case op_shutdown: running_ = false; return answer(client, 0, 0);
            default: return refuse();
        }
    }

    void answer(Client& client, std::uint64_t status, std::uint64_t value, std::string_view extra = {}) {
        const Reply reply{status, value};
        client.out.assign(reinterpret_cast<const char*>(&reply), sizeof reply).append(extra);
        client.sent = 0;
        flush(client);
    }

    // Sends what the socket takes now; the rest waits for POLLOUT, until the deadline.
    void flush(Client& client) {
        while (client.sent < client.out.size()) {
            const ssize_t put = ::send(client.fd.get(), client.out.data() + client.sent,
                                       client.out.size() - client.sent, MSG_DONTWAIT | MSG_NOSIGNAL);
            if (put >= 0) {
                client.sent += static_cast<std::size_t>(put);
            } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
                if (client.deadline == Clock::time_point::max())
                    client.deadline = Clock::now() + config_.client_timeout;
                return;
            } else if (errno != EINTR) {
                return drop(client, false);  // it died
            }
        }
        client.out.clear();
        client.sent = 0;
        client.deadline = Clock::time_point::max();
    }

    void grant_lock() {
        while (lock_owner_ == nullptr && !waiting_.empty()) {
            Client* next = waiting_.front();
            waiting_.pop_front();
            next->waiting = false;
            lock_owner_ = next;
            answer(*next, 0, 0);  // if it died meanwhile, drop() frees the lock again
        }
    }

    const ServerConfig& config_;
    const bool in_process_;  // a server thread in the parent: getppid() says nothing about the parent
    PrivateListener listener_;
    Clock::time_point accept_paused_until_{};
    std::list<Client> clients_;  // a list: lock_owner_ and waiting_ point into it
    Client* lock_owner_ = nullptr;
    std::deque<Client*> waiting_;
    std::map<std::string, std::uint64_t> dict_;
    std::vector<std::uint64_t> list_;
    std::uint64_t reserved_ = 0;
    std::uint64_t dropped_ = 0;
    std::uint64_t refused_ = 0;
    bool running_ = true;
    std::vector<pollfd> watched_;
    std::vector<Client*> owners_;
};

}  // namespace

std::string unique_socket_name() { return private_socket_path(unique_segment_name()); }

void run_server(const ServerConfig& config) {
    Server server(config);
    server.serve();
}

std::vector<std::string> ServerTask::to_args() const {
    return {config.socket_name, std::to_string(config.parent), std::to_string(key_fd), std::to_string(config.workers),
            std::to_string(config.list_capacity)};
}

ServerTask ServerTask::from_args(std::span<const std::string> args) {
    require_argument_count(args, 5, name, "<socket name> <parent pid> <key fd> <workers> <list capacity>");
    ServerTask task;
    task.config.socket_name = args[0];
    task.config.parent = integer_argument<pid_t>(args, 1, "parent pid");
    task.key_fd = integer_argument<int>(args, 2, "key fd");
    task.config.workers = integer_argument<unsigned>(args, 3, "workers");
    task.config.list_capacity = integer_argument<std::uint64_t>(args, 4, "list capacity");
    // -1 would make run() serve with the empty key of a default ServerConfig.
    if (task.key_fd < 0) throw std::invalid_argument("manager_server needs the key's descriptor, not " + args[2]);
    return task;
}

int ServerTask::run() const {
    ServerConfig with_key = config;
    if (key_fd >= 0) with_key.key = KeyFile::read(key_fd);
    run_server(with_key);
    return 0;
}

}  // namespace tvp::manager
