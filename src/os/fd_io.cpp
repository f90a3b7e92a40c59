#include "os/fd_io.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>
#include <string>

#include "os/system_error.hpp"

namespace tvp {

namespace {

// Waits until `fd` is ready for `events` (or has hung up or failed, which the
// following read or write reports), at most `patience`. One poll() before each
// transfer is the price of never hanging; a bounded wait is also what the
// chapter's Python does (Connection.poll(timeout) before recv).
void wait_for_peer(int fd, short events, std::chrono::milliseconds patience, const char* what) {
    const auto deadline = std::chrono::steady_clock::now() + patience;
    while (true) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        pollfd watched{.fd = fd, .events = events, .revents = 0};
        const int ready = ::poll(&watched, 1, static_cast<int>(std::max<long long>(left.count(), 0)));
        if (ready > 0) return;
        if (ready < 0 && errno != EINTR) throw_errno(std::string("poll before ") + what);
        if (ready == 0)
            throw PeerTimeout(std::string(what) + ": the peer made no progress in " + std::to_string(patience.count()) +
                              " ms (stopped or stuck, though its end is still open)");
    }
}

}  // namespace

bool read_exact(int fd, void* buffer, std::size_t size, std::chrono::milliseconds patience) {
    auto* bytes = static_cast<char*>(buffer);
    std::size_t done = 0;
    while (done < size) {
        if (patience != wait_forever) wait_for_peer(fd, POLLIN, patience, "read");
        const ssize_t got = ::read(fd, bytes + done, size - done);
        if (got > 0) {
            done += static_cast<std::size_t>(got);
        } else if (got == 0) {
            if (done == 0) return false;
            throw std::runtime_error("end of stream in the middle of a message (" + std::to_string(done) + " of " +
                                     std::to_string(size) + " bytes)");
        } else if (errno != EINTR && errno != EAGAIN) {
            throw_errno("read");
        }
    }
    return true;
}

void write_all(int fd, const void* buffer, std::size_t size, bool is_socket, std::chrono::milliseconds patience) {
    const auto* bytes = static_cast<const char*>(buffer);
    std::size_t done = 0;
    while (done < size) {
        if (patience != wait_forever) wait_for_peer(fd, POLLOUT, patience, "write");
        const int dont_block = patience == wait_forever ? 0 : MSG_DONTWAIT;
        const ssize_t put = is_socket ? ::send(fd, bytes + done, size - done, MSG_NOSIGNAL | dont_block)
                                      : ::write(fd, bytes + done, size - done);
        if (put >= 0) {
            done += static_cast<std::size_t>(put);
        } else if (errno != EINTR && errno != EAGAIN) {
            throw_errno(errno == EPIPE ? "write: the peer closed its end" : "write");
        }
    }
}

}  // namespace tvp
