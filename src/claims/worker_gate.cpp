#include "claims/worker_gate.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <stdexcept>

#include "ipc/fd_io.hpp"
#include "system_error.hpp"

namespace tvp::claims {

WorkerGate::WorkerGate() {
    int ready[2], release[2];
    if (::pipe(ready) != 0) throw_errno("pipe");
    if (::pipe(release) != 0) {
        ::close(ready[0]);
        ::close(ready[1]);
        throw_errno("pipe");
    }
    ready_read_ = ready[0];
    ready_write_ = ready[1];
    release_read_ = release[0];
    release_write_ = release[1];
    ::fcntl(ready_read_, F_SETFD, FD_CLOEXEC);
    ::fcntl(release_write_, F_SETFD, FD_CLOEXEC);
}

WorkerGate::~WorkerGate() {
    for (int fd : {ready_read_, ready_write_, release_read_, release_write_})
        if (fd >= 0) ::close(fd);
}

void WorkerGate::arrive_and_wait(int ready_fd, int release_fd) {
    const char byte = 1;
    ipc::write_all(ready_fd, &byte, 1, false);
    char ignored;
    while (::read(release_fd, &ignored, 1) < 0 && errno == EINTR) {
    }
}

void WorkerGate::close_parent_ends_in_child() const {
    ::close(ready_read_);
    ::close(release_write_);
}

void WorkerGate::close_worker_ends() {
    ::close(ready_write_);
    ::close(release_read_);
    ready_write_ = release_read_ = -1;
}

void WorkerGate::wait_ready(unsigned workers) {
    for (unsigned arrived = 0; arrived < workers; ++arrived) {
        char byte;
        if (!ipc::read_exact(ready_read_, &byte, 1))
            throw std::runtime_error("a worker ended before it was ready (" + std::to_string(arrived) + " of " +
                                     std::to_string(workers) + " were)");
    }
}

void WorkerGate::release() {
    if (release_write_ >= 0) ::close(release_write_);
    release_write_ = -1;
}

}  // namespace tvp::claims
