#include "ipc/peer_start.hpp"

#include <stdexcept>

#include "ipc/peer.hpp"
#include "process/child_process.hpp"

namespace tvp::ipc {

StartedPeer start_peer(const Launcher& launcher, const LinkOptions& options,
                       const std::function<Task(Link&)>& peer_task, const std::string& who) {
    StartedPeer started;
    const bool is_process = !shares_address_space(launcher.backend());
    PeerAlive alive;
    if (is_process) alive = [pid = started.pid] { return *pid <= 0 || child_running(*pid); };
    started.link = make_link(options, alive);
    started.running = launcher.start(peer_task(started.link));
    if (is_process) {
        started.link.peer.reset();
        *started.pid = started.running->pid().value_or(-1);
    }
    try {
        if (!is_ready_message(started.link.parent->receive()))
            throw std::runtime_error(who + " did not start as expected");
    } catch (...) {
        started.link.parent->close_sending();  // a peer thread must end before it is joined
        throw;
    }
    started.link.parent->peer_connected();
    return started;
}

}  // namespace tvp::ipc
