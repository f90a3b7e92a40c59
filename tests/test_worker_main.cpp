// tvp_test_worker: the worker program with the tests' own tasks besides the
// suite's (test_tasks.hpp), so that tvp_worker ships only what the scenarios run.
#include "os/standard_streams.hpp"
#include "task/task_registry.hpp"
#include "test_tasks.hpp"

int main(int argc, char** argv) {
    if (!tvp::open_closed_standard_streams()) return 2;
    tvp::add_tasks(tvp::test_tasks());
    return tvp::run_task_from_command_line(argc - 1, argv + 1);
}
