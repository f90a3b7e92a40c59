#pragma once
// One side of a two-way message link between the benchmark's process (or
// thread) and its peer, whatever the mechanism: pipes, a socketpair, POSIX or
// Boost.Interprocess message queues, a shared-memory ring, in-process queues.
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "os/fd_io.hpp"  // give_up_after_seconds
#include "os/pipe_kind.hpp"

namespace tvp::ipc {

enum class Mechanism {
    pipe,        // two pipe(2)s (boost_process: boost::process::pipe)
    socketpair,  // socketpair(AF_UNIX, SOCK_STREAM)
    posix_mq,    // mq_open, two queues
    bip_mq,      // boost::interprocess::message_queue, two queues
    shm_ring,    // single-producer single-consumer byte rings in a shared segment
    mutex_cv,    // threads only: std::mutex + std::condition_variable queue of messages
    spsc,        // threads only: boost::lockfree::spsc_queue of bytes
};

// How a shared-memory or lock-free mechanism waits for its peer.
enum class WaitMode { spin, block };

std::string_view to_string(Mechanism mechanism);
std::optional<Mechanism> parse_mechanism(std::string_view name);
std::string_view to_string(WaitMode wait);
// Whether the mechanism busy-polls or blocks: only shm_ring offers both.
bool offers_wait_modes(Mechanism mechanism);
// Whether this back-end can use the mechanism (mutex_cv and spsc need threads;
// the message queues and the ring need a process peer, though threads could use them).
bool available(Mechanism mechanism, bool same_address_space);

class Endpoint {
public:
    virtual ~Endpoint() = default;
    // Sends one whole message (header + payload), waiting for room as needed.
    virtual void send(std::span<const std::byte> message) = 0;
    // The next whole message (header + payload), valid until the next receive()
    // on this endpoint; empty once the peer ended its stream (closed its end, or
    // sent the end-of-stream message). A mechanism may hand out a view of its
    // own memory rather than a copy. Throws std::runtime_error if the peer died
    // or stayed silent past the time limit.
    virtual std::span<const std::byte> receive() = 0;
    // Ends this side's outgoing stream: the peer's receive() returns empty.
    virtual void close_sending() = 0;
    // Both sides are connected: named resources can go from the namespace now,
    // so that nothing is left behind even if a process dies later.
    virtual void peer_connected() {}
    // In a forked child: disown the parent's side, closing its inherited
    // descriptors without removing shared names (the parent still owns them).
    virtual void disown_in_forked_child() {}
};

// Says whether the other side still runs; checked while waiting.
using PeerAlive = std::function<bool()>;

struct LinkOptions {
    Mechanism mechanism = Mechanism::pipe;
    WaitMode wait = WaitMode::block;
    std::size_t max_message_bytes = 0;     // header + largest payload
    PipeKind pipe_kind = PipeKind::posix;  // for Mechanism::pipe
};

// Both sides of a link, made by the parent before the peer starts.
struct Link {
    std::unique_ptr<Endpoint> parent;
    // The peer's side as an object, for a thread or a forked child ...
    std::unique_ptr<Endpoint> peer;
    // ... and as arguments for a spawned child (open_peer_endpoint).
    std::vector<std::string> peer_arguments;
};

// Throws std::system_error naming what failed, or std::invalid_argument when a
// message cannot fit the mechanism (POSIX queues are limited by msgsize_max).
Link make_link(const LinkOptions& options, PeerAlive parent_sees_peer);

// The peer's side in a spawned child, from Link::peer_arguments.
std::unique_ptr<Endpoint> open_peer_endpoint(std::span<const std::string> arguments, PeerAlive child_sees_parent);

// How a worker ends its side of a link: runs `work`, then closes the sending
// side whether it returned or threw, so the other end sees end-of-file at once
// instead of waiting. Returns 0 (the worker's exit code) or rethrows.
template <typename Work>
int work_then_close_sending(Endpoint& endpoint, Work&& work) {
    try {
        work();
    } catch (...) {
        endpoint.close_sending();
        throw;
    }
    endpoint.close_sending();
    return 0;
}

}  // namespace tvp::ipc
