#include "task/worker.hpp"

namespace tvp {

void Worker::start(const WorkerStarter& launcher) {
    if (running_) throw std::logic_error("Worker::start: already started");
    Task task = runs_worker_executable(launcher.backend())
                    ? spawn_task()
                    : Task{.name = {}, .args = {}, .function = [this] { return run(); }};
    running_ = launcher.start(task);
}

ExitStatus Worker::join() {
    if (!running_) throw std::logic_error("Worker::join: not started");
    auto running = std::move(running_);
    return running->join();
}

}  // namespace tvp
