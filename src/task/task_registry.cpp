#include "task/task_registry.hpp"

#include "process/parent_death.hpp"

#include <unistd.h>

#include <exception>
#include <string>
#include <vector>

namespace tvp {

namespace {
std::vector<std::span<const NamedTask>>& added_tasks() {
    static std::vector<std::span<const NamedTask>> lists;
    return lists;
}
}  // namespace

void add_tasks(std::span<const NamedTask> tasks) { added_tasks().push_back(tasks); }

TaskFunction find_task(std::string_view name) {
    for (const NamedTask& task : builtin_tasks())
        if (task.name == name) return task.function;
    for (std::span<const NamedTask> list : added_tasks())
        for (const NamedTask& task : list)
            if (task.name == name) return task.function;
    return nullptr;
}

namespace {
// stderr without stdio: a worker must not depend on iostreams being initialised.
void report(const std::string& message) {
    std::string line = "worker: " + message + "\n";
    [[maybe_unused]] auto written = ::write(STDERR_FILENO, line.data(), line.size());
}
}  // namespace

int run_task_from_command_line(int argc, const char* const* argv) {
    // A spawned worker (tvp_worker, or bench run as one) ends with the bench that started it.
    die_with_parent_named_in_environment();
    if (argc < 1) {
        report("no task name given");
        return exit_unknown_task;
    }
    TaskFunction task = find_task(argv[0]);
    if (task == nullptr) {
        report(std::string("unknown task '") + argv[0] + "'");
        return exit_unknown_task;
    }
    std::vector<std::string> args(argv + 1, argv + argc);
    try {
        return task(args);
    } catch (const std::exception& error) {
        report(std::string("task '") + argv[0] + "' failed: " + error.what());
        return exit_task_threw;
    }
}

}  // namespace tvp
