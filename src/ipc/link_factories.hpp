#pragma once
// One factory per mechanism family; make_link() and open_peer_endpoint() choose.
#include <cstddef>
#include <string>

#include "ipc/endpoint.hpp"

namespace tvp::ipc {

Link make_pipe_link(const LinkOptions& options);
// (Without options: the message limit is unconfigured_message_limit.)
Link make_socketpair_link(const LinkOptions& options);
std::unique_ptr<Endpoint> open_fd_endpoint(std::span<const std::string> arguments);

Link make_posix_mq_link(const LinkOptions& options, PeerAlive parent_sees_peer);
Link make_bip_mq_link(const LinkOptions& options, PeerAlive parent_sees_peer);
std::unique_ptr<Endpoint> open_mq_endpoint(std::span<const std::string> arguments, PeerAlive child_sees_parent);

Link make_shm_ring_link(const LinkOptions& options, PeerAlive parent_sees_peer);
std::unique_ptr<Endpoint> open_shm_ring_endpoint(std::span<const std::string> arguments, PeerAlive child_sees_parent);

Link make_thread_queue_link(const LinkOptions& options);

// The byte-stream and ring endpoints take a message's length from the peer:
// one longer than the link's limit is an error before anything is allocated
// or read. The limit is LinkOptions::max_message_bytes, or, for a link made
// without one, this (the benchmarks' largest message is 1 MiB and a header).
inline constexpr std::size_t unconfigured_message_limit = std::size_t{16} << 20;
std::size_t message_limit(const LinkOptions& options);
// The limit as a spawned peer receives it, argument `index` of its endpoint description.
std::size_t message_limit_argument(std::span<const std::string> arguments, std::size_t index);

}  // namespace tvp::ipc
