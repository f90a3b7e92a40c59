#include "memory/worker_gate.hpp"

#include <unistd.h>

#include <stdexcept>

#include "os/fd_io.hpp"
#include "os/system_error.hpp"

namespace tvp {

// Both pipes close-on-exec; the workers' ends then inheritable, for a spawned worker.
WorkerGate::WorkerGate() {
    FdPair ready = make_pipe();
    FdPair release = make_pipe();
    allow_inheritance(ready.second.get());
    allow_inheritance(release.first.get());
    ready_read_ = std::move(ready.first);
    ready_write_ = std::move(ready.second);
    release_read_ = std::move(release.first);
    release_write_ = std::move(release.second);
}

void WorkerGate::arrive_and_wait(int ready_fd, int release_fd) {
    const char byte = 1;
    write_all(ready_fd, &byte, 1, false);
    char ignored;
    while (::read(release_fd, &ignored, 1) < 0 && errno == EINTR) {}
}

void WorkerGate::disown_in_forked_child() {
    ready_read_.reset();
    release_write_.reset();
}

void WorkerGate::close_worker_ends() {
    ready_write_.reset();
    release_read_.reset();
}

void WorkerGate::wait_ready(unsigned workers) {
    for (unsigned arrived = 0; arrived < workers; ++arrived) {
        char byte;
        if (!read_exact(ready_read_.get(), &byte, 1))
            throw std::runtime_error("a worker ended before it was ready (" + std::to_string(arrived) + " of " +
                                     std::to_string(workers) + " were)");
    }
}

void WorkerGate::release() { release_write_.reset(); }

}  // namespace tvp
