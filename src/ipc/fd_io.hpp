#pragma once
// Whole reads and writes on a descriptor: loop over partial transfers, retry on EINTR.
#include <cstddef>

namespace tvp::ipc {

// Reads exactly `size` bytes; returns false if end-of-file came first, before
// any byte. EOF in the middle, or an error, throws std::system_error / runtime_error.
bool read_exact(int fd, void* buffer, std::size_t size);
// Writes all `size` bytes (MSG_NOSIGNAL on sockets; pipes need SIGPIPE ignored:
// reset_inherited_signal_state() in process_signals.hpp).
void write_all(int fd, const void* buffer, std::size_t size, bool is_socket);

}  // namespace tvp::ipc
