#pragma once
// Named tasks, the way Python's "spawn" start method finds a worker's target: a
// spawned child is a fresh program that looks its task up by name and runs it
// with the arguments it got on the command line. The built-in tasks are compiled
// into the worker executable and the bench binary alike.
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "number_parsing.hpp"

namespace tvp {

// A task returns its exit code; it receives the arguments after its name.
using TaskFunction = int (*)(std::span<const std::string> args);

struct NamedTask {
    std::string_view name;
    TaskFunction function;
};

// Built-in tasks (builtin_tasks.cpp).
std::span<const NamedTask> builtin_tasks();

// The task with this name, or nullptr.
TaskFunction find_task(std::string_view name);

// Runs `argv[0]` as a task name with the remaining words as its arguments, and
// returns its exit code: the whole of a worker process's main(). An unknown
// task, or a task that throws, is reported on stderr with exit code 64 or 70.
int run_task_from_command_line(int argc, const char* const* argv);

inline constexpr int exit_unknown_task = 64;   // EX_USAGE
inline constexpr int exit_task_threw = 70;     // EX_SOFTWARE

// Argument `index` of a task as an integer; throws std::invalid_argument naming it.
template <class Integer>
Integer integer_argument(std::span<const std::string> args, std::size_t index, std::string_view what) {
    if (index >= args.size())
        throw std::invalid_argument("missing argument " + std::to_string(index + 1) + " (" + std::string(what) + ")");
    if (auto value = parse_integer<Integer>(args[index])) return *value;
    throw std::invalid_argument("argument " + std::to_string(index + 1) + " (" + std::string(what) +
                                ") is not an integer: '" + args[index] + "'");
}

}  // namespace tvp
