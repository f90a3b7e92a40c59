#include "ipc/fd_io.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <string>

#include "os/system_error.hpp"

namespace tvp::ipc {

bool read_exact(int fd, void* buffer, std::size_t size) {
    auto* bytes = static_cast<char*>(buffer);
    std::size_t done = 0;
    while (done < size) {
        const ssize_t got = ::read(fd, bytes + done, size - done);
        if (got > 0) {
            done += static_cast<std::size_t>(got);
        } else if (got == 0) {
            if (done == 0) return false;
            throw std::runtime_error("end of stream in the middle of a message (" + std::to_string(done) + " of " +
                                     std::to_string(size) + " bytes)");
        } else if (errno != EINTR) {
            throw_errno("read");
        }
    }
    return true;
}

void write_all(int fd, const void* buffer, std::size_t size, bool is_socket) {
    const auto* bytes = static_cast<const char*>(buffer);
    std::size_t done = 0;
    while (done < size) {
        const ssize_t put = is_socket ? ::send(fd, bytes + done, size - done, MSG_NOSIGNAL)
                                      : ::write(fd, bytes + done, size - done);
        if (put >= 0) {
            done += static_cast<std::size_t>(put);
        } else if (errno != EINTR) {
            throw_errno(errno == EPIPE ? "write: the peer closed its end" : "write");
        }
    }
}

}  // namespace tvp::ipc
