// tvp_worker: the lean program the spawned back-ends start. It runs one named
// task (task_registry.hpp) and exits with its code. It does not link Google
// Benchmark, so spawning it measures process creation, not loading a big binary.
#include "task/task_registry.hpp"
#include "os/standard_streams.hpp"

int main(int argc, char** argv) {
    if (!tvp::open_closed_standard_streams()) return 2;
    return tvp::run_task_from_command_line(argc - 1, argv + 1);
}
