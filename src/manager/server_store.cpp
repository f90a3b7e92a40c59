#include "manager/server_store.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <deque>
#include <map>
#include <thread>

#include "ipc/fd_io.hpp"
#include "shared_memory.hpp"
#include "system_error.hpp"
#include "task_registry.hpp"

namespace tvp::manager {

namespace {

enum Op : std::uint32_t { op_lock = 1, op_unlock, op_set, op_append, op_get, op_dump_list, op_dump_dict, op_reset,
                          op_dropped, op_shutdown };

struct Request {
    std::uint32_t op;
    std::uint32_t worker;
    std::uint64_t value;
};
struct Reply {
    std::uint64_t status;  // 0 ok, 1 not found
    std::uint64_t value;
};

sockaddr_un address_of(const std::string& name, socklen_t& length) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (name.size() + 1 > sizeof address.sun_path) throw std::invalid_argument("socket name too long: " + name);
    std::memcpy(address.sun_path + 1, name.data(), name.size());  // sun_path[0] = 0: abstract namespace
    length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
    return address;
}

// The server's state and its one client loop.
class Server {
public:
    Server(const std::string& name, pid_t parent) : parent_(parent) {
        listener_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (listener_ < 0) throw_errno("socket");
        socklen_t length = 0;
        const sockaddr_un address = address_of(name, length);
        if (::bind(listener_, reinterpret_cast<const sockaddr*>(&address), length) != 0) throw_errno("bind @" + name);
        if (::listen(listener_, 256) != 0) throw_errno("listen");
    }
    ~Server() {
        for (int fd : clients_) ::close(fd);
        ::close(listener_);
    }

    void serve() {
        while (running_) {
            std::vector<pollfd> watched{{listener_, POLLIN, 0}};
            for (int fd : clients_) watched.push_back({fd, POLLIN, 0});
            const int ready = ::poll(watched.data(), watched.size(), 1000);
            if (ready < 0 && errno != EINTR) throw_errno("poll");
            if (ready <= 0) {
                if (::getppid() != parent_) return;  // orphaned: nobody will ask us to stop
                continue;
            }
            if (watched[0].revents & POLLIN) accept_client();
            for (std::size_t i = 1; i < watched.size(); ++i)
                if (watched[i].revents & (POLLIN | POLLHUP | POLLERR)) serve_one(watched[i].fd);
        }
    }

private:
    void accept_client() {
        const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd >= 0) clients_.push_back(fd);
    }

    void drop(int fd) {
        // A client that dies holding the lock must not block the others.
        if (lock_owner_ == fd) {
            lock_owner_ = -1;
            grant_next();
        }
        std::erase(waiting_, fd);
        std::erase(clients_, fd);
        ::close(fd);
        ++dropped_;
    }

    bool reply(int fd, std::uint64_t status, std::uint64_t value, const void* extra = nullptr, std::size_t size = 0) {
        try {
            const Reply answer{status, value};
            ipc::write_all(fd, &answer, sizeof answer, true);
            if (size > 0) ipc::write_all(fd, extra, size, true);
            return true;
        } catch (const std::exception&) {
            drop(fd);
            return false;
        }
    }

    void grant_next() {
        while (lock_owner_ < 0 && !waiting_.empty()) {
            const int next = waiting_.front();
            waiting_.pop_front();
            lock_owner_ = next;
            if (!reply(next, 0, 0)) lock_owner_ = -1;  // it died while waiting
        }
    }

    void serve_one(int fd) {
        Request request{};
        bool complete = false;
        try {
            complete = ipc::read_exact(fd, &request, sizeof request);
        } catch (const std::exception&) {
        }
        if (!complete) {
            drop(fd);
            return;
        }
        switch (request.op) {
            case op_lock:
                if (lock_owner_ < 0) {
                    lock_owner_ = fd;
                    reply(fd, 0, 0);
                } else {
                    waiting_.push_back(fd);  // answered when granted
                }
                return;
            case op_unlock:
                if (lock_owner_ == fd) lock_owner_ = -1;
                if (reply(fd, 0, 0)) grant_next();
                return;
            case op_set: dict_[worker_key(request.worker)] = request.value; break;
            case op_append: list_.push_back(request.value); break;
            case op_get: {
                const auto found = dict_.find(worker_key(request.worker));
                reply(fd, found == dict_.end() ? 1 : 0, found == dict_.end() ? 0 : found->second);
                return;
            }
            case op_dump_list:
                reply(fd, 0, list_.size(), list_.data(), list_.size() * sizeof(std::uint64_t));
                return;
            case op_dump_dict: {
                std::string encoded;
                for (const auto& [key, value] : dict_) {
                    const auto length = static_cast<std::uint32_t>(key.size());
                    encoded.append(reinterpret_cast<const char*>(&length), sizeof length).append(key);
                    encoded.append(reinterpret_cast<const char*>(&value), sizeof value);
                }
                reply(fd, 0, encoded.size(), encoded.data(), encoded.size());
                return;
            }
            case op_reset:
                dict_.clear();
                list_.clear();
                list_.reserve(request.value);
                dropped_ = 0;
                break;
            case op_dropped: reply(fd, 0, dropped_); return;
            case op_shutdown: running_ = false; break;
            default: drop(fd); return;
        }
        reply(fd, 0, 0);
    }

    pid_t parent_;
    int listener_ = -1;
    std::vector<int> clients_;
    int lock_owner_ = -1;
    std::deque<int> waiting_;
    std::map<std::string, std::uint64_t> dict_;
    std::vector<std::uint64_t> list_;
    std::uint64_t dropped_ = 0;
    bool running_ = true;
};

}  // namespace

std::string unique_socket_name() { return unique_segment_name().substr(1) + "-manager"; }

void run_server(const std::string& socket_name, pid_t parent) {
    Server server(socket_name, parent);
    server.serve();
}

ManagerClient::ManagerClient(const std::string& socket_name) {
    socklen_t length = 0;
    const sockaddr_un address = address_of(socket_name, length);
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (true) {
        fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd_ < 0) throw_errno("socket");
        if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), length) == 0) return;
        const int error = errno;
        ::close(fd_);
        fd_ = -1;
        if (error != ECONNREFUSED && error != ENOENT) throw_system_error(error, "connect to manager @" + socket_name);
        if (std::chrono::steady_clock::now() > give_up)
            throw_system_error(error, "connect to manager @" + socket_name + " (no server after 10 s)");
        std::this_thread::sleep_for(std::chrono::milliseconds(1));  // the server is still starting
    }
}

ManagerClient::~ManagerClient() {
    if (fd_ >= 0) ::close(fd_);
}

std::uint64_t ManagerClient::call(std::uint32_t op, std::uint32_t worker, std::uint64_t value) {
    const Request request{op, worker, value};
    ipc::write_all(fd_, &request, sizeof request, true);
    Reply reply{};
    if (!ipc::read_exact(fd_, &reply, sizeof reply)) throw std::runtime_error("the manager server closed the connection");
    if (reply.status > 1) throw std::runtime_error("the manager server refused a request");
    return op == op_get && reply.status == 1 ? ~std::uint64_t{0} : reply.value;
}

void ManagerClient::lock() { call(op_lock); }
void ManagerClient::unlock() { call(op_unlock); }
void ManagerClient::set(unsigned worker, std::uint64_t value) { call(op_set, worker, value); }
void ManagerClient::append(std::uint64_t value) { call(op_append, 0, value); }
bool ManagerClient::get(unsigned worker, std::uint64_t& value) {
    value = call(op_get, worker);
    return value != ~std::uint64_t{0};
}
void ManagerClient::reset(std::uint64_t reserve) { call(op_reset, 0, reserve); }
std::uint64_t ManagerClient::dropped_clients() { return call(op_dropped); }
void ManagerClient::shutdown() { call(op_shutdown); }

std::vector<std::uint64_t> ManagerClient::list() {
    std::vector<std::uint64_t> entries(call(op_dump_list));
    if (!entries.empty() && !ipc::read_exact(fd_, entries.data(), entries.size() * sizeof(std::uint64_t)))
        throw std::runtime_error("the manager server closed the connection mid-list");
    return entries;
}

std::vector<std::pair<std::string, std::uint64_t>> ManagerClient::dict() {
    std::string encoded(call(op_dump_dict), '\0');
    if (!encoded.empty() && !ipc::read_exact(fd_, encoded.data(), encoded.size()))
        throw std::runtime_error("the manager server closed the connection mid-dict");
    std::vector<std::pair<std::string, std::uint64_t>> entries;
    for (std::size_t at = 0; at < encoded.size();) {
        std::uint32_t length;
        std::uint64_t value;
        std::memcpy(&length, encoded.data() + at, sizeof length);
        std::string key = encoded.substr(at + sizeof length, length);
        std::memcpy(&value, encoded.data() + at + sizeof length + length, sizeof value);
        entries.emplace_back(std::move(key), value);
        at += sizeof length + length + sizeof value;
    }
    return entries;
}

void ManagerClient::run_worker(unsigned worker, std::uint64_t operations, Mix mix) {
    std::uint64_t seen = 0, value = 0;
    for (std::uint64_t op = 0; op < operations; ++op) {
        lock();
        if (writes(mix, op)) {
            set(worker, op);
            append(list_entry(worker, op));
        } else if (get(worker, value)) {
            seen += value;
        }
        unlock();
    }
    asm volatile("" : : "r"(seen));
}

void verify_server_state(ManagerClient& client, unsigned workers, std::uint64_t operations, Mix mix) {
    const std::vector<std::uint64_t> list = client.list();
    verify(list, client.dict(), workers, operations, mix);
}

int server_task(std::span<const std::string> args) {
    if (args.size() != 2) throw std::invalid_argument("manager_server needs <socket name> <parent pid>");
    run_server(args[0], integer_argument<pid_t>(args, 1, "parent pid"));
    return 0;
}

int client_task(std::span<const std::string> args) {
    if (args.size() != 4) throw std::invalid_argument("manager_client needs <socket> <worker> <operations> <mix>");
    ManagerClient client(args[0]);
    client.run_worker(integer_argument<unsigned>(args, 1, "worker"), integer_argument<std::uint64_t>(args, 2, "operations"),
                      parse_mix(args[3]));
    return 0;
}

}  // namespace tvp::manager
