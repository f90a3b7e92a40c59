#pragma once
// What a worker runs: a function (threads, fork) or a registered task's name
// and arguments (the back-ends that start the worker executable).
#include <functional>
#include <string>
#include <vector>

namespace tvp {

struct Task {
    // The registered task a spawned child runs (task_registry.hpp), and its arguments.
    std::string name;
    std::vector<std::string> args;
    // Run directly by the thread and fork back-ends when set; otherwise they run
    // the named task in-process. Its return value is the exit code.
    std::function<int()> function;
};

}  // namespace tvp
