#pragma once
// The chapter's actual Manager: a server process owns the dict and the list,
// and every operation of a worker is a request over a Unix socket answered by
// the server, one round trip per proxy call as in Python's Manager (lock, set,
// append, unlock: nothing is batched). The server serialises all requests; the
// lock is a server-side lock granted in request order. A client that dies (even
// holding the lock) is dropped and the server goes on serving the others.
#include <sys/types.h>

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "manager/workload.hpp"

namespace tvp::manager {

// A name in Linux's abstract socket namespace: nothing appears in the filesystem.
std::string unique_socket_name();

// Serves until a client asks it to shut down, or `parent` is gone.
void run_server(const std::string& socket_name, pid_t parent);

class ManagerClient {
public:
    // Connects, retrying for a few seconds while the server starts.
    explicit ManagerClient(const std::string& socket_name);
    ManagerClient(const ManagerClient&) = delete;
    ManagerClient& operator=(const ManagerClient&) = delete;
    ~ManagerClient();

    void lock();
    void unlock();
    void set(unsigned worker, std::uint64_t value);
    void append(std::uint64_t value);
    bool get(unsigned worker, std::uint64_t& value);
    std::vector<std::uint64_t> list();
    std::vector<std::pair<std::string, std::uint64_t>> dict();
    void reset(std::uint64_t reserve);
    // Clients the server dropped because they died (its recoveries).
    std::uint64_t dropped_clients();
    void shutdown();

    // The workload: each operation as lock, set, append, unlock (writes) or
    // lock, get, unlock (lookups).
    void run_worker(unsigned worker, std::uint64_t operations, Mix mix);

private:
    std::uint64_t call(std::uint32_t op, std::uint32_t worker = 0, std::uint64_t value = 0);
    int fd_ = -1;
};

// Verifies the server's final state (list and dict) as every store is verified.
void verify_server_state(ManagerClient& client, unsigned workers, std::uint64_t operations, Mix mix);

// manager_server <socket name> <parent pid>
int server_task(std::span<const std::string> args);
// manager_client <socket name> <worker> <operations> <mix>
int client_task(std::span<const std::string> args);

}  // namespace tvp::manager
