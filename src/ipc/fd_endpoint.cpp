// pipe and socketpair endpoints: a byte stream carrying header-framed messages.
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/process/pipe.hpp>
#include <csignal>
#include <cstring>

#include "ipc/fd_io.hpp"
#include "ipc/link_factories.hpp"
#include "ipc/message.hpp"
#include "system_error.hpp"
#include "task_registry.hpp"

namespace tvp::ipc {

namespace {

// Owns a read and a write descriptor (the same one for a socket).
class FdEndpoint : public Endpoint {
public:
    FdEndpoint(int read_fd, int write_fd) : read_fd_(read_fd), write_fd_(write_fd) {}
    ~FdEndpoint() override { close_all(); }

    void send(std::span<const std::byte> message) override {
        write_all(write_fd_, message.data(), message.size(), is_socket());
    }

    std::span<const std::byte> receive() override {
        MessageHeader header;
        if (!read_exact(read_fd_, &header, sizeof header)) return {};
        buffer_.resize(sizeof header + header.payload_bytes);
        std::memcpy(buffer_.data(), &header, sizeof header);
        if (header.payload_bytes > 0 && !read_exact(read_fd_, buffer_.data() + sizeof header, header.payload_bytes))
            throw std::runtime_error("end of stream after a message header");
        return buffer_;
    }

    void close_sending() override {
        if (is_socket()) {
            ::shutdown(write_fd_, SHUT_WR);
        } else if (write_fd_ >= 0) {
            ::close(write_fd_);
            write_fd_ = -1;
        }
    }

    void abandon_in_forked_child() override { close_all(); }

private:
    bool is_socket() const { return read_fd_ == write_fd_; }
    void close_all() {
        if (read_fd_ >= 0) ::close(read_fd_);
        if (write_fd_ >= 0 && write_fd_ != read_fd_) ::close(write_fd_);
        read_fd_ = write_fd_ = -1;
    }

    int read_fd_;
    int write_fd_;
    std::vector<std::byte> buffer_;
};

void set_close_on_exec(int fd) {
    if (::fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) throw_errno("fcntl FD_CLOEXEC");
}

// pipe(2), or Boost.Process's own pipe type for the boost_process back-end.
// The parent's ends are close-on-exec; the peer's ends are inherited by a
// spawned child, which finds their numbers in its arguments.
std::pair<int, int> make_pipe(Backend backend) {
    if (backend == Backend::boost_process) {
        boost::process::pipe pipe;  // pipe(2) underneath; we take its descriptors over
        const int read_end = ::dup(pipe.native_source());
        const int write_end = ::dup(pipe.native_sink());
        if (read_end < 0 || write_end < 0) throw_errno("dup of a boost::process::pipe");
        return {read_end, write_end};
    }
    int ends[2];
    if (::pipe(ends) != 0) throw_errno("pipe");
    return {ends[0], ends[1]};
}

}  // namespace

Link make_pipe_link(const LinkOptions& options) {
    // Writing to a pipe whose reader died must be an error (EPIPE) that the
    // benchmark reports, not a SIGPIPE that kills the whole process. Sockets
    // use MSG_NOSIGNAL instead; pipes have no such flag.
    std::signal(SIGPIPE, SIG_IGN);
    auto [to_peer_read, to_peer_write] = make_pipe(options.backend);
    auto [to_parent_read, to_parent_write] = make_pipe(options.backend);
    set_close_on_exec(to_peer_write);
    set_close_on_exec(to_parent_read);
    Link link;
    link.parent = std::make_unique<FdEndpoint>(to_parent_read, to_peer_write);
    link.peer = std::make_unique<FdEndpoint>(to_peer_read, to_parent_write);
    link.peer_arguments = {"pipe", std::to_string(to_peer_read), std::to_string(to_parent_write)};
    return link;
}

Link make_socketpair_link() {
    int ends[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, ends) != 0) throw_errno("socketpair");
    set_close_on_exec(ends[0]);
    Link link;
    link.parent = std::make_unique<FdEndpoint>(ends[0], ends[0]);
    link.peer = std::make_unique<FdEndpoint>(ends[1], ends[1]);
    link.peer_arguments = {"socketpair", std::to_string(ends[1])};
    return link;
}

std::unique_ptr<Endpoint> open_fd_endpoint(std::span<const std::string> arguments) {
    if (arguments[0] == "socketpair") {
        const int fd = integer_argument<int>(arguments, 1, "socket descriptor");
        return std::make_unique<FdEndpoint>(fd, fd);
    }
    return std::make_unique<FdEndpoint>(integer_argument<int>(arguments, 1, "read descriptor"),
                                        integer_argument<int>(arguments, 2, "write descriptor"));
}

}  // namespace tvp::ipc
