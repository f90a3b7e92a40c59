#pragma once
// A link and the peer behind it, started with any back-end: a thread or a
// forked child runs the peer on its in-process endpoint, a spawned worker runs
// the ipc_peer task on the endpoint its arguments describe.
#include <filesystem>
#include <memory>

#include "ipc/endpoint.hpp"
#include "ipc/peer.hpp"
#include "launch/launcher.hpp"

namespace tvp::ipc {

struct SessionOptions {
    Backend backend = Backend::thread;
    Mechanism mechanism = Mechanism::pipe;
    WaitMode wait = WaitMode::block;
    PeerOptions peer;
    std::filesystem::path worker_executable = {};  // what a spawned peer runs; empty: default_worker_executable()
};

class PeerSession {
public:
    // Starts the peer and waits for its ready message (run_peer), after which
    // the link's names (queues, segment) are removed: the peer has them open.
    explicit PeerSession(const SessionOptions& options);
    PeerSession(const PeerSession&) = delete;
    PeerSession& operator=(const PeerSession&) = delete;
    // Ends the parent's stream first, so that a peer thread finishes instead of
    // blocking; a peer process is killed and reaped.
    ~PeerSession();

    Endpoint& endpoint() { return *link_.parent; }
    // The peer's process id (nullopt for a thread).
    std::optional<pid_t> peer_pid() const { return peer_->pid(); }
    // The arguments a spawned peer gets for its endpoint (names of queues and segments).
    const std::vector<std::string>& peer_endpoint_arguments() const { return peer_endpoint_arguments_; }

    // Ends the stream, drains what the peer still sends, waits for the peer and
    // throws std::runtime_error unless it succeeded.
    void finish();

private:
    Link link_;
    std::vector<std::string> peer_endpoint_arguments_;
    std::unique_ptr<RunningWorker> peer_;
};

}  // namespace tvp::ipc
