#pragma once
// A manager server for one benchmark or test, on any back-end: a fresh socket
// name and key, the server started by the launcher, the parent's control
// connection, and the tasks that run its workers the same way. A spawned
// server or worker gets the key through an inherited descriptor (auth_key.hpp),
// a forked or threaded one in memory.
#include <memory>
#include <optional>

#include "launch/launcher.hpp"
#include "manager/server_store.hpp"
#include "manager/store.hpp"

namespace tvp::manager {

// The server store: each worker is a client of the server (ManagerClient::run_worker).
class ServerSession final : public Store {
public:
    // A server for `workers` workers and runs of at most `list_capacity` appends.
    ServerSession(const Launcher& launcher, unsigned workers, std::uint64_t list_capacity);
    ServerSession(const ServerSession&) = delete;
    ServerSession& operator=(const ServerSession&) = delete;
    // Asks a server that was not stopped to shut down (errors ignored); one that
    // does not is killed with its process.
    ~ServerSession();

    const ServerConfig& config() const { return config_; }
    ManagerClient& control() { return *control_; }
    // Worker `worker` running `operations` of the workload as a client, on the
    // launcher's back-end (store_worker_task).
    Task worker_task(unsigned worker, std::uint64_t operations, Mix mix);

    // The Store: reset() empties the server's dict and list and reserves the
    // run's appends (the control connection's reset());
    void reset(unsigned workers, std::uint64_t operations, Mix mix) override;
    // run_worker() connects a client of its own;
    void run_worker(unsigned worker, std::uint64_t operations, Mix mix) override;
    // spawned_worker() is ClientTask, given the key's descriptor (a session
    // on a spawned back-end only);
    Task spawned_worker(unsigned worker, std::uint64_t operations, Mix mix) const override;
    // verify() is verify_server_state(); finish() is stop().
    std::uint64_t verify(unsigned workers, std::uint64_t operations, Mix mix) override;
    void finish() override { stop(); }
    // The key's descriptor that spawned tasks name (-1 for forked and threaded ones).
    int key_fd() const { return key_file_ ? key_file_->fd() : -1; }
    // Shuts the server down; throws std::runtime_error unless it ended with exit code 0.
    void stop();

private:
    Backend backend_;
    bool spawned_;
    ServerConfig config_;
    std::optional<KeyFile> key_file_;
    std::unique_ptr<RunningWorker> server_;
    std::unique_ptr<ManagerClient> control_;
};

}  // namespace tvp::manager
