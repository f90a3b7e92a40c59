#pragma once
// Named tasks, the way Python's "spawn" start method finds a worker's target: a
// spawned child is a fresh program that looks its task up by name and runs it
// with the arguments it got on the command line. The built-in tasks are compiled
// into the worker executable and the bench binary alike.
#include <concepts>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "os/arguments.hpp"
#include "os/exit_codes.hpp"

namespace tvp {

// A task returns its exit code; it receives the arguments after its name.
using TaskFunction = int (*)(std::span<const std::string> args);

struct NamedTask {
    std::string_view name;
    TaskFunction function;
};

// Built-in tasks (builtin_tasks.cpp).
std::span<const NamedTask> builtin_tasks();
// Makes more tasks findable by name, after the built-in ones (a test-only
// worker program's); not thread-safe: call it before any task starts.
void add_tasks(std::span<const NamedTask> tasks);

// The task with this name, or nullptr.
TaskFunction find_task(std::string_view name);

// Runs `argv[0]` as a task name with the remaining words as its arguments, and
// returns its exit code: the whole of a worker process's main(). An unknown
// task, or a task that throws, is reported on stderr with exit code 64 or 70.
int run_task_from_command_line(int argc, const char* const* argv);

// A typed task: a struct with its fields, its name, and its work. to_args() and
// from_args() are the one place its fields become command-line words and back,
// so a spawned worker runs what a thread or forked child would. make_task()
// (typed_task.hpp) turns one into a launcher's Task; registered<T>() into its
// builtin_tasks() entry.
template <class T>
concept TypedTask = requires(const T& task, std::span<const std::string> args) {
    { T::name } -> std::convertible_to<std::string_view>;
    { task.to_args() } -> std::same_as<std::vector<std::string>>;
    { T::from_args(args) } -> std::same_as<T>;
    { T::from_args(args).run() } -> std::same_as<int>;
};

// The builtin_tasks() entry that rebuilds T from its arguments and runs it.
template <TypedTask T>
constexpr NamedTask registered() {
    return {T::name, [](std::span<const std::string> args) { return T::from_args(args).run(); }};
}

}  // namespace tvp
