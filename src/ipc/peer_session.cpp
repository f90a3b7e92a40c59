#include "ipc/peer_session.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include "ipc/message.hpp"
#include "task/typed_task.hpp"

namespace tvp::ipc {

namespace {

// True while the child runs; WNOWAIT leaves an ended child for its owner to reap.
bool child_running(pid_t pid) {
    siginfo_t info{};
    return ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == 0;
}

}  // namespace

PeerSession::PeerSession(const SessionOptions& options) {
    const Launcher launcher(options.backend, options.worker_executable);
    // A process peer is watched through its pid, known once it has started.
    auto peer_pid = std::make_shared<pid_t>(-1);
    PeerAlive alive;
    if (!shares_address_space(options.backend)) alive = [peer_pid] { return *peer_pid <= 0 || child_running(*peer_pid); };
    link_ = make_link({.mechanism = options.mechanism,
                       .wait = options.wait,
                       .max_message_bytes = sizeof(MessageHeader) + options.peer.payload_bytes,
                       .pipe_kind = info(options.backend).pipe},
                      alive);
    peer_endpoint_arguments_ = link_.peer_arguments;

    const IpcPeerTask task{.options = options.peer,
                           .parent = ::getpid(),
                           .endpoint = link_.peer_arguments,
                           .peer_end = link_.peer.get(),
                           .parent_end = link_.parent.get()};
    peer_ = launcher.start(make_task(task, options.backend));
    if (!shares_address_space(options.backend)) {
        link_.peer.reset();  // the child has its own; ours would keep its pipe ends open and hide its death
        *peer_pid = peer_->pid().value_or(-1);
    }
    await_ready_peer();
}

void PeerSession::await_ready_peer() {
    try {
        if (!is_ready_message(link_.parent->receive())) throw std::runtime_error("the peer did not start as expected");
    } catch (...) {
        link_.parent->close_sending();  // a peer thread must end before it is joined
        throw;
    }
    // The peer has opened every named object: the names can go now, so that
    // nothing is left in /dev/shm or /dev/mqueue whatever happens later.
    link_.parent->peer_connected();
}

void PeerSession::finish() {
    link_.parent->close_sending();
    while (!link_.parent->receive().empty()) {
    }
    auto peer = std::move(peer_);
    const ExitStatus status = peer->join();
    if (!status.success()) throw std::runtime_error("the peer " + status.describe());
}

PeerSession::~PeerSession() {
    if (!peer_) return;
    try {
        link_.parent->close_sending();
    } catch (...) {
        // The peer may be gone already; it is stopped below either way.
    }
    peer_.reset();
}

}  // namespace tvp::ipc
