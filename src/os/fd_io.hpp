#pragma once
// Whole reads and writes on a descriptor: loop over partial transfers, retry on
// EINTR, and give up on a peer that makes no progress for too long (a stopped
// or wedged process keeps its end open, so end-of-file never comes).
#include <chrono>
#include <cstddef>
#include <stdexcept>

namespace tvp {

// A peer silent for this long is taken for dead even if it still exists.
inline constexpr int give_up_after_seconds = 20;
inline constexpr std::chrono::milliseconds peer_patience{give_up_after_seconds * 1000};
// No limit: block in read(2) or write(2) itself, without the poll() a limit
// costs. For a worker's side of a link: it dies with its parent
// (parent_death.hpp), and a stopped parent stops the whole run anyway.
inline constexpr std::chrono::milliseconds wait_forever{-1};

// What read_exact and write_all throw when `patience` passes with no progress.
class PeerTimeout : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Reads exactly `size` bytes; returns false if end-of-file came first, before
// any byte. EOF in the middle, or an error, throws std::system_error /
// runtime_error; `patience` passing with no byte from the peer throws PeerTimeout.
bool read_exact(int fd, void* buffer, std::size_t size, std::chrono::milliseconds patience = peer_patience);
// Writes all `size` bytes (MSG_NOSIGNAL on sockets; pipes need SIGPIPE ignored:
// reset_inherited_signal_state() in process_signals.hpp). Throws when the peer
// takes no byte for `patience` (its end is full and it does not read). A
// blocking pipe write longer than the free space waits inside write(2), where
// no limit applies: a pipe that carries more than PIPE_BUF at once must be
// O_NONBLOCK (set_nonblocking), as FdEndpoint's are.
void write_all(int fd, const void* buffer, std::size_t size, bool is_socket,
               std::chrono::milliseconds patience = peer_patience);

}  // namespace tvp
