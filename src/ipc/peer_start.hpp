#pragma once
// The one way a link's peer is started, for the IPC peer and the pool's
// workers alike: make the link (a process peer watched through its pid, known
// once it has started), start the peer's task, drop the parent's copy of a
// process peer's end (it would keep its pipe ends open and hide its death),
// wait for its ready message, and let the link's names go (the peer has them
// open, so nothing is left in /dev/shm or /dev/mqueue whatever happens later).
#include <functional>
#include <memory>
#include <string>

#include "ipc/endpoint.hpp"
#include "launch/launcher.hpp"

namespace tvp::ipc {

struct StartedPeer {
    Link link;
    std::unique_ptr<RunningWorker> running;
    std::shared_ptr<pid_t> pid = std::make_shared<pid_t>(-1);  // a process peer's, once started; what the link watches
};

// `peer_task` makes the peer's task from the new link (its peer end, or the
// arguments that describe it to a spawned peer). Throws std::runtime_error
// naming `who` if the peer does not start as expected.
StartedPeer start_peer(const Launcher& launcher, const LinkOptions& options,
                       const std::function<Task(Link&)>& peer_task, const std::string& who);

}  // namespace tvp::ipc
