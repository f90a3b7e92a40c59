#include "ipc/peer_session.hpp"

#include <unistd.h>

#include "ipc/message.hpp"
#include "ipc/peer_start.hpp"
#include "task/typed_task.hpp"

namespace tvp::ipc {

PeerSession::PeerSession(const SessionOptions& options) {
    StartedPeer started = start_peer(
        Launcher(options.backend, options.worker_executable),
        {.mechanism = options.mechanism,
         .wait = options.wait,
         .max_message_bytes = sizeof(MessageHeader) + options.peer.payload_bytes,
         .pipe_kind = info(options.backend).pipe},
        [&](Link& link) {
            peer_endpoint_arguments_ = link.peer_arguments;
            return make_task(IpcPeerTask{.options = options.peer,
                                         .parent = ::getpid(),
                                         .endpoint = link.peer_arguments,
                                         .peer_end = link.peer.get(),
                                         .parent_end = link.parent.get()},
                             options.backend);
        },
        "the peer");
    link_ = std::move(started.link);
    peer_ = std::move(started.running);
}

void PeerSession::finish() {
    link_.parent->close_sending();
    while (!link_.parent->receive().empty()) {}
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
