#pragma once
// The chapter's actual Manager: a server process owns the dict and the list,
// and every operation of a worker is a request over a Unix socket answered by
// the server, one round trip per proxy call as in Python's Manager (lock, set,
// append, unlock: nothing is batched). The server serialises all requests; the
// lock is a server-side lock granted in request order. A client that dies (even
// holding the lock) is dropped and the server goes on serving the others.
//
// On a shared machine the socket lives in a directory only this user can
// enter (os/private_socket.hpp); behind that, the server admits only its own
// workers: the peer's credentials (SO_PEERCRED) must show this user and
// either the parent or one of the parent's children, and its first message must
// carry the parent's key (auth_key.hpp). It reads without blocking, checks
// every request against the run's limits, and disconnects a client that breaks
// a rule or stalls mid-message, never stopping for it.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "manager/auth_key.hpp"
#include "manager/workload.hpp"
#include "os/unique_fd.hpp"

namespace tvp::manager {

// A socket path in a directory of its own that only this user can enter
// (os/private_socket.hpp); the server makes the directory and removes both.
std::string unique_socket_name();

// What a server admits, decided by the parent that starts it.
struct ServerConfig {
    std::string socket_name;
    pid_t parent = 0;  // connects as the controller; its children connect as workers
    AuthKey key;
    unsigned workers = 0;             // set/get name keys "worker0" .. "worker<workers-1>"
    std::uint64_t list_capacity = 0;  // the most list entries a run may reserve (and append)
    // How long a client may take to finish a message it started, or to take a
    // reply the server has for it, before it is disconnected.
    std::chrono::milliseconds client_timeout{5000};
};

// Serves until the parent asks it to shut down, or the parent is gone (a server
// running in the parent itself, as a thread, serves until asked).
void run_server(const ServerConfig& config);

class ManagerClient {
public:
    static constexpr std::chrono::milliseconds default_reply_timeout{10000};

    // Connects (retrying for a few seconds while the server starts), checks
    // that the server runs as this user, and sends the key. Every later wait
    // for the server ends with std::runtime_error after `reply_timeout`.
    ManagerClient(const std::string& socket_name, const AuthKey& key,
                  std::chrono::milliseconds reply_timeout = default_reply_timeout);
    ManagerClient(const ManagerClient&) = delete;
    ManagerClient& operator=(const ManagerClient&) = delete;

    void lock();
    void unlock();
    void set(unsigned worker, std::uint64_t value);
    void append(std::uint64_t value);
    bool get(unsigned worker, std::uint64_t& value);
    // The parent's connection only (the server disconnects anyone else):
    // the list, refused when the server reports more than `max_entries`;
    std::vector<std::uint64_t> list(std::uint64_t max_entries);
    // the dict, refused when the server reports more than `max_keys` keys' worth.
    std::vector<std::pair<std::string, std::uint64_t>> dict(std::uint64_t max_keys);
    // Empties the store and reserves the next run's appends (at most the server's capacity).
    void reset(std::uint64_t appends);
    // Connections the server closed since the last reset (clients that ended or died).
    std::uint64_t dropped_clients();
    // Connections it refused or cut off (wrong user or process, no key, a broken rule, a stall).
    std::uint64_t refused_clients();
    void shutdown();

    // The workload: each operation as lock, set, append, unlock (writes) or
    // lock, get, unlock (lookups).
    void run_worker(unsigned worker, std::uint64_t operations, Mix mix);

private:
    std::uint64_t call(std::uint32_t op, std::uint32_t worker = 0, std::uint64_t value = 0);
    void receive(void* buffer, std::size_t size);
    UniqueFd fd_;
    std::chrono::milliseconds reply_timeout_;
};

// Verifies the server's final state (list and dict) as every store is verified;
// returns the list entries checked.
std::uint64_t verify_server_state(ManagerClient& control, unsigned workers, std::uint64_t operations, Mix mix);

// manager_server <socket name> <parent pid> <key fd> <workers> <list capacity>:
// run_server(config). The key is never an argument: a spawned server reads it
// from the inherited descriptor `key_fd` (KeyFile); a thread or forked child,
// whose key_fd is -1, has it in config.key. The client timeout is the default.
struct ServerTask {
    static constexpr std::string_view name = "manager_server";
    ServerConfig config;
    int key_fd = -1;

    std::vector<std::string> to_args() const;
    static ServerTask from_args(std::span<const std::string> args);
    int run() const;
};

// manager_client <socket name> <key fd> <worker> <operations> <mix>: a spawned
// worker's ManagerClient::run_worker(), with the key read from the inherited
// descriptor `key_fd` (ServerSession::spawned_worker).
struct ClientTask {
    static constexpr std::string_view name = "manager_client";
    std::string socket_name;
    int key_fd = -1;
    unsigned worker = 0;
    std::uint64_t operations = 0;
    Mix mix = Mix::write;

    std::vector<std::string> to_args() const;
    static ClientTask from_args(std::span<const std::string> args);
    int run() const;
};

}  // namespace tvp::manager
