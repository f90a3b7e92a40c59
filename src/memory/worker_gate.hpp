#pragma once
// Holds a group of workers alive at once, for measuring them: each worker
// reports "ready" on one pipe and then blocks on another until the parent
// releases them all by closing it (end-of-file reaches every reader).
#include <string>
#include <vector>

#include "os/unique_fd.hpp"

namespace tvp {

class WorkerGate {
public:
    WorkerGate();  // both pipes; the parent's ends are close-on-exec
    WorkerGate(const WorkerGate&) = delete;
    WorkerGate& operator=(const WorkerGate&) = delete;

    // Worker side: say ready, then wait for the release.
    static void arrive_and_wait(int ready_fd, int release_fd);
    int ready_fd() const { return ready_write_.get(); }
    int release_fd() const { return release_read_.get(); }
    // In a forked child: disown the parent's ends it inherited (close them),
    // or the release (end-of-file) could never come.
    void disown_in_forked_child();

    // Parent side, once process workers have started: drop our copies of their
    // ends, so that workers dying early show as end-of-file, not as a hang.
    void close_worker_ends();
    // Parent side: wait for `workers` ready bytes; then release everybody.
    void wait_ready(unsigned workers);
    void release();

private:
    UniqueFd ready_read_, ready_write_, release_read_, release_write_;
};

}  // namespace tvp
