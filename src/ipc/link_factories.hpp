#pragma once
// One factory per mechanism family; make_link() and open_peer_endpoint() choose.
#include "ipc/endpoint.hpp"

namespace tvp::ipc {

Link make_pipe_link(const LinkOptions& options);
Link make_socketpair_link();
std::unique_ptr<Endpoint> open_fd_endpoint(std::span<const std::string> arguments);

Link make_posix_mq_link(const LinkOptions& options, PeerAlive parent_sees_peer);
Link make_bip_mq_link(const LinkOptions& options, PeerAlive parent_sees_peer);
std::unique_ptr<Endpoint> open_mq_endpoint(std::span<const std::string> arguments, PeerAlive child_sees_parent);

Link make_shm_ring_link(const LinkOptions& options, PeerAlive parent_sees_peer);
std::unique_ptr<Endpoint> open_shm_ring_endpoint(std::span<const std::string> arguments, PeerAlive child_sees_parent);

Link make_thread_queue_link(const LinkOptions& options);

}  // namespace tvp::ipc
