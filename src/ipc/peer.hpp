#pragma once
// The far side of every IPC benchmark: in a thread, a forked child, or a
// spawned worker (task "ipc_peer"), it verifies what arrives and answers.
#include <sys/types.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ipc/endpoint.hpp"

namespace tvp::ipc {

enum class PeerRole {
    echo,     // latency: answer each message with one of its own, same sequence number
    consume,  // throughput: verify messages, acknowledge every `ack_every` of them
};

struct PeerOptions {
    PeerRole role = PeerRole::echo;
    std::size_t payload_bytes = 0;
    std::uint64_t ack_every = 1;
    int cpu = -1;  // pin to this CPU; -1: anywhere
};

// Sends the ready message, then serves until the parent ends its stream; then
// ends its own and returns 0. A wrong message throws std::runtime_error, after
// ending its own stream so that the parent stops waiting.
int run_peer(Endpoint& endpoint, const PeerOptions& options);

// Whether this is the peer's first message, sent once its endpoint is open (it
// has opened every named object): an acknowledgement of no message, sequence 0.
bool is_ready_message(std::span<const std::byte> message);

// ipc_peer <echo|consume> <payload_bytes> <ack_every> <cpu> <parent_pid> <endpoint...>:
// run_peer() on the endpoint that the words after the parent's pid describe
// (Link::peer_arguments, open_peer_endpoint), while `parent` lives. A thread or
// forked child is given the link's endpoints themselves and opens nothing.
struct IpcPeerTask {
    static constexpr std::string_view name = "ipc_peer";
    PeerOptions options;
    pid_t parent = 0;                        // the process that made the link
    std::vector<std::string> endpoint = {};  // Link::peer_arguments
    // Not arguments: an address means nothing to a spawned worker.
    Endpoint* peer_end = nullptr;    // the peer's side, run on
    Endpoint* parent_end = nullptr;  // the parent's side, which a forked child disowns

    std::vector<std::string> to_args() const;
    static IpcPeerTask from_args(std::span<const std::string> args);
    int run() const;
};

}  // namespace tvp::ipc
