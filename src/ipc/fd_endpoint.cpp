// pipe and socketpair endpoints: a byte stream carrying header-framed messages.
// Writing to a pipe whose reader died must be an error (EPIPE) that the
// benchmark reports: SIGPIPE is ignored once, at start (process_signals.hpp);
// sockets use MSG_NOSIGNAL as well.
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/process/pipe.hpp>
#include <chrono>
#include <cstring>

#include "os/fd_io.hpp"
#include "ipc/link_factories.hpp"
#include "ipc/message.hpp"
#include "os/system_error.hpp"
#include "os/arguments.hpp"
#include "os/unique_fd.hpp"

namespace tvp::ipc {

namespace {

// Owns a read and a write end of two pipes, or one socket for both ways.
class FdEndpoint : public Endpoint {
public:
    // `patience`: how long a read or write waits for the peer (the parent's
    // side: peer_patience), or wait_forever (the worker's side, see fd_io.hpp).
    FdEndpoint(UniqueFd read_end, UniqueFd write_end, std::size_t max_message_bytes, std::chrono::milliseconds patience)
        : read_(std::move(read_end)),
          write_(std::move(write_end)),
          max_message_bytes_(max_message_bytes),
          patience_(patience) {
        // So that a peer that stops reading cannot hold a long write inside write(2).
        if (patience_ != wait_forever) set_nonblocking(write_.get());
    }
    FdEndpoint(UniqueFd socket, std::size_t max_message_bytes, std::chrono::milliseconds patience)
        : read_(std::move(socket)), is_socket_(true), max_message_bytes_(max_message_bytes), patience_(patience) {}

    void send(std::span<const std::byte> message) override {
        write_all(write_fd(), message.data(), message.size(), is_socket_, patience_);
    }

    std::span<const std::byte> receive() override {
        MessageHeader header;
        if (!read_exact(read_.get(), &header, sizeof header, patience_)) return {};
        // The length comes from the peer: checked before it sizes a buffer.
        if (header.payload_bytes > max_message_bytes_ - sizeof header)
            throw std::runtime_error("the peer announced a payload of " + std::to_string(header.payload_bytes) +
                                     " bytes, above the link's limit of " +
                                     std::to_string(max_message_bytes_ - sizeof header));
        buffer_.resize(sizeof header + header.payload_bytes);
        std::memcpy(buffer_.data(), &header, sizeof header);
        if (header.payload_bytes > 0 &&
            !read_exact(read_.get(), buffer_.data() + sizeof header, header.payload_bytes, patience_))
            throw std::runtime_error("end of stream after a message header");
        return buffer_;
    }

    void close_sending() override {
        if (is_socket_) {
            if (read_) ::shutdown(read_.get(), SHUT_WR);
        } else {
            write_.reset();
        }
    }

    void disown_in_forked_child() override {
        read_.reset();
        write_.reset();
    }

private:
    int write_fd() const { return is_socket_ ? read_.get() : write_.get(); }

    UniqueFd read_;   // the socket, for a socket
    UniqueFd write_;  // empty for a socket
    bool is_socket_ = false;
    std::size_t max_message_bytes_;
    std::chrono::milliseconds patience_;
    std::vector<std::byte> buffer_;
};

// pipe2(), or Boost.Process's own pipe type: its descriptors are duplicated
// into owned ones at once (close-on-exec, like make_pipe()'s), and Boost's own
// close with `pipe`.
FdPair make_pipe_of(PipeKind kind) {
    if (kind == PipeKind::posix) return make_pipe();
    boost::process::pipe pipe;
    UniqueFd read_end(::fcntl(pipe.native_source(), F_DUPFD_CLOEXEC, 0));
    if (!read_end) throw_errno("dup of a boost::process::pipe");
    UniqueFd write_end(::fcntl(pipe.native_sink(), F_DUPFD_CLOEXEC, 0));
    if (!write_end) throw_errno("dup of a boost::process::pipe");
    return {std::move(read_end), std::move(write_end)};
}

// A descriptor number from a spawned peer's arguments (wrapped by the caller
// once every argument has been read, so that a bad one closes nothing).
int descriptor_argument(std::span<const std::string> arguments, std::size_t index, std::string_view what) {
    const int fd = integer_argument<int>(arguments, index, what);
    if (fd < 0) throw std::invalid_argument(std::string(what) + " " + std::to_string(fd) + " is not a descriptor");
    return fd;
}

}  // namespace

std::size_t message_limit(const LinkOptions& options) {
    if (options.max_message_bytes == 0) return unconfigured_message_limit;
    if (options.max_message_bytes < sizeof(MessageHeader))
        throw std::invalid_argument("a link's largest message cannot be shorter than its header");
    return options.max_message_bytes;
}

std::size_t message_limit_argument(std::span<const std::string> arguments, std::size_t index) {
    const auto limit = integer_argument<std::size_t>(arguments, index, "max message bytes");
    if (limit < sizeof(MessageHeader))
        throw std::invalid_argument("max message bytes " + std::to_string(limit) + " is shorter than a header");
    return limit;
}

// The parent's ends stay close-on-exec; the peer's ends are inherited by a
// spawned child, which finds their numbers in its arguments.
Link make_pipe_link(const LinkOptions& options) {
    const std::size_t limit = message_limit(options);
    FdPair to_peer = make_pipe_of(options.pipe_kind);
    FdPair to_parent = make_pipe_of(options.pipe_kind);
    allow_inheritance(to_peer.first.get());
    allow_inheritance(to_parent.second.get());
    Link link;
    link.peer_arguments = {"pipe", std::to_string(to_peer.first.get()), std::to_string(to_parent.second.get()),
                           std::to_string(limit)};
    link.parent =
        std::make_unique<FdEndpoint>(std::move(to_parent.first), std::move(to_peer.second), limit, peer_patience);
    link.peer =
        std::make_unique<FdEndpoint>(std::move(to_peer.first), std::move(to_parent.second), limit, wait_forever);
    return link;
}

Link make_socketpair_link(const LinkOptions& options) {
    const std::size_t limit = message_limit(options);
    FdPair ends = make_socketpair();
    allow_inheritance(ends.second.get());
    Link link;
    link.peer_arguments = {"socketpair", std::to_string(ends.second.get()), std::to_string(limit)};
    link.parent = std::make_unique<FdEndpoint>(std::move(ends.first), limit, peer_patience);
    link.peer = std::make_unique<FdEndpoint>(std::move(ends.second), limit, wait_forever);
    return link;
}

std::unique_ptr<Endpoint> open_fd_endpoint(std::span<const std::string> arguments) {
    if (arguments[0] == "socketpair") {
        if (arguments.size() != 3)
            throw std::invalid_argument("a socketpair endpoint needs <socket> <max message bytes>");
        const int socket = descriptor_argument(arguments, 1, "socket descriptor");
        const std::size_t limit = message_limit_argument(arguments, 2);
        return std::make_unique<FdEndpoint>(UniqueFd(socket), limit, wait_forever);
    }
    if (arguments.size() != 4)
        throw std::invalid_argument("a pipe endpoint needs <read fd> <write fd> <max message bytes>");
    const int read_end = descriptor_argument(arguments, 1, "read descriptor");
    const int write_end = descriptor_argument(arguments, 2, "write descriptor");
    const std::size_t limit = message_limit_argument(arguments, 3);
    return std::make_unique<FdEndpoint>(UniqueFd(read_end), UniqueFd(write_end), limit, wait_forever);
}

}  // namespace tvp::ipc
