// A manager client: one blocking round trip per proxy call, each wait bounded
// by the socket's receive and send timeouts.
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <system_error>
#include <thread>

#include "os/fd_io.hpp"
#include "manager/server_protocol.hpp"
#include "manager/server_store.hpp"
#include "os/private_socket.hpp"
#include "os/system_error.hpp"
#include "os/arguments.hpp"

namespace tvp::manager {

namespace {

using namespace wire;

constexpr auto connect_patience = std::chrono::seconds(10);
// The longest key a dict dump may hold per worker ("worker" and a number).
constexpr std::uint64_t max_key_bytes = 32;

timeval to_timeval(std::chrono::milliseconds duration) {
    return {.tv_sec = static_cast<time_t>(duration.count() / 1000),
            .tv_usec = static_cast<suseconds_t>(duration.count() % 1000 * 1000)};
}

}  // namespace

ManagerClient::ManagerClient(const std::string& socket_name, const AuthKey& key,
                             std::chrono::milliseconds reply_timeout)
    : reply_timeout_(reply_timeout) {
    socklen_t length = 0;
    const sockaddr_un address = unix_socket_address(socket_name, length);
    const timeval timeout = to_timeval(reply_timeout);
    const auto give_up = std::chrono::steady_clock::now() + connect_patience;
    while (true) {
        fd_.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
        if (!fd_) throw_errno("socket");
        // Bounds every later wait, connect() to a full backlog included.
        if (::setsockopt(fd_.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) != 0 ||
            ::setsockopt(fd_.get(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout) != 0)
            throw_errno("setsockopt SO_RCVTIMEO/SO_SNDTIMEO");
        if (::connect(fd_.get(), reinterpret_cast<const sockaddr*>(&address), length) == 0) break;
        const int error = errno;
        fd_.reset();
        if (error != ECONNREFUSED && error != ENOENT && error != EAGAIN && error != EINTR)
            throw_system_error(error, "connect to manager " + socket_name);
        if (std::chrono::steady_clock::now() > give_up)
            throw_system_error(error, "connect to manager " + socket_name + " (no server after 10 s)");
        std::this_thread::sleep_for(std::chrono::milliseconds(1));  // the server is still starting
    }
    // The socket's directory is this user's (mode 0700), but root and a name
    // taken first can still put another user's server there: the key goes
    // only to a server of this user.
    ucred server{};
    socklen_t size = sizeof server;
    if (::getsockopt(fd_.get(), SOL_SOCKET, SO_PEERCRED, &server, &size) != 0) throw_errno("getsockopt SO_PEERCRED");
    if (server.uid != ::geteuid())
        throw std::runtime_error("manager " + socket_name + " runs as uid " + std::to_string(server.uid) +
                                 ", not as this user: not sending it the key");
    Hello hello{.magic = hello_magic, .key = {}};
    std::memcpy(hello.key, key.bytes().data(), AuthKey::size);
    write_all(fd_.get(), &hello, sizeof hello, true, reply_timeout_);
}

void ManagerClient::receive(void* buffer, std::size_t size) {
    bool complete = false;
    try {
        complete = read_exact(fd_.get(), buffer, size, reply_timeout_);
    } catch (const PeerTimeout&) {
        throw std::runtime_error("the manager server did not answer within " + std::to_string(reply_timeout_.count()) +
                                 " ms");
    }
    if (!complete)
        throw std::runtime_error(
            "the manager server closed the connection (it refuses clients it did not start, without its key, "
            "or that break its protocol)");
}

std::uint64_t ManagerClient::call(std::uint32_t op, std::uint32_t worker, std::uint64_t value) {
    const Request request{op, worker, value};
    try {
        write_all(fd_.get(), &request, sizeof request, true, reply_timeout_);
    } catch (const PeerTimeout&) {
        throw std::runtime_error("the manager server took no request within " + std::to_string(reply_timeout_.count()) +
                                 " ms");
    }
    Reply reply{};
    receive(&reply, sizeof reply);
    if (reply.status > 1) throw std::runtime_error("the manager server sent an unknown status");
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
void ManagerClient::reset(std::uint64_t appends) { call(op_reset, 0, appends); }
std::uint64_t ManagerClient::dropped_clients() { return call(op_dropped); }
std::uint64_t ManagerClient::refused_clients() { return call(op_refused); }
void ManagerClient::shutdown() { call(op_shutdown); }

std::vector<std::uint64_t> ManagerClient::list(std::uint64_t max_entries) {
    const std::uint64_t entries = call(op_dump_list);
    // A size from a peer is checked before anything is allocated for it; the
    // connection is closed, since its stream is no longer in step.
    if (entries > max_entries) {
        fd_.reset();
        throw std::runtime_error("the manager server reports " + std::to_string(entries) +
                                 " list entries, more than the " + std::to_string(max_entries) + " this run can hold");
    }
    std::vector<std::uint64_t> list(entries);
    if (entries > 0) receive(list.data(), entries * sizeof(std::uint64_t));
    return list;
}

std::vector<std::pair<std::string, std::uint64_t>> ManagerClient::dict(std::uint64_t max_keys) {
    const std::uint64_t bytes = call(op_dump_dict);
    auto malformed = [this](const std::string& what) {
        fd_.reset();
        return std::runtime_error("the manager server's dict dump " + what);
    };
    if (bytes > max_keys * (sizeof(std::uint32_t) + max_key_bytes + sizeof(std::uint64_t)))
        throw malformed("is " + std::to_string(bytes) + " bytes, more than " + std::to_string(max_keys) + " keys need");
    std::string encoded(bytes, '\0');
    if (bytes > 0) receive(encoded.data(), bytes);
    std::vector<std::pair<std::string, std::uint64_t>> entries;
    for (std::size_t at = 0; at < encoded.size();) {
        std::uint32_t length;
        std::uint64_t value;
        if (encoded.size() - at < sizeof length) throw malformed("ends inside a key's length");
        std::memcpy(&length, encoded.data() + at, sizeof length);
        at += sizeof length;
        if (length > max_key_bytes || encoded.size() - at < length + sizeof value)
            throw malformed("has a bad key length");
        std::string key = encoded.substr(at, length);
        std::memcpy(&value, encoded.data() + at + length, sizeof value);
        entries.emplace_back(std::move(key), value);
        at += length + sizeof value;
    }
    return entries;
}

namespace {

// One worker's view of the server (workload.hpp's WorkerAccess): one round
// trip per proxy call. No unlock when a call throws: the worker then ends, and
// the server frees the lock of a client that is gone.
struct ClientAccess {
    ManagerClient& client;
    unsigned worker;
    void locked(auto body) {
        client.lock();
        body();
        client.unlock();
    }
    void write(std::uint64_t op, std::uint64_t entry) {
        client.set(worker, op);
        client.append(entry);
    }
    std::optional<std::uint64_t> read() {
        std::uint64_t value = 0;
        if (client.get(worker, value)) return value;
        return std::nullopt;
    }
};

}  // namespace

void ManagerClient::run_worker(unsigned worker, std::uint64_t operations, Mix mix) {
    ClientAccess access{*this, worker};
    run_operations(access, worker, operations, mix);
}

std::uint64_t verify_server_state(ManagerClient& control, unsigned workers, std::uint64_t operations, Mix mix) {
    const std::vector<std::uint64_t> list = control.list(total_appends(workers, operations, mix));
    return verify(list, control.dict(workers), workers, operations, mix);
}

std::vector<std::string> ClientTask::to_args() const {
    return {socket_name, std::to_string(key_fd), std::to_string(worker), std::to_string(operations),
            std::string(to_string(mix))};
}

ClientTask ClientTask::from_args(std::span<const std::string> args) {
    require_argument_count(args, 5, name, "<socket name> <key fd> <worker> <operations> <mix>");
    return {.socket_name = args[0],
            .key_fd = integer_argument<int>(args, 1, "key fd"),
            .worker = integer_argument<unsigned>(args, 2, "worker"),
            .operations = integer_argument<std::uint64_t>(args, 3, "operations"),
            .mix = parse_mix(args[4])};
}

int ClientTask::run() const {
    ManagerClient client(socket_name, KeyFile::read(key_fd));
    client.run_worker(worker, operations, mix);
    return 0;
}

}  // namespace tvp::manager
