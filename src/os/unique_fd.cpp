#include "os/unique_fd.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "os/system_error.hpp"

namespace tvp {

void UniqueFd::reset(int fd) noexcept {
    if (fd_ >= 0) ::close(fd_);  // Linux frees the descriptor even on EINTR: never retry
    fd_ = fd;
}

FdPair make_pipe() {
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) != 0) throw_errno("pipe2");
    return {UniqueFd(ends[0]), UniqueFd(ends[1])};
}

FdPair make_socketpair() {
    int ends[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) throw_errno("socketpair");
    return {UniqueFd(ends[0]), UniqueFd(ends[1])};
}

void allow_inheritance(int fd) {
    const int flags = ::fcntl(fd, F_GETFD);
    if (flags < 0 || ::fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC) != 0) throw_errno("fcntl F_SETFD");
}

void set_nonblocking(int fd) {
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) throw_errno("fcntl O_NONBLOCK");
}

}  // namespace tvp
