#pragma once
// A typed task (TypedTask, task_registry.hpp) as a launcher's Task: the one
// place that decides between the function form and the named form.
#include <string>

#include "process/backend.hpp"
#include "task/task.hpp"
#include "task/task_registry.hpp"

namespace tvp {

// The named form: what a spawned worker looks up and rebuilds with T::from_args.
template <TypedTask T>
Task named_task(const T& task) {
    return {.name = std::string(T::name), .args = task.to_args(), .function = {}};
}

// The named form for the back-ends that start the worker executable, else the
// function form, which runs a copy of the task in the thread or forked child.
template <TypedTask T>
Task make_task(const T& task, Backend backend) {
    if (runs_worker_executable(backend)) return named_task(task);
    return {.name = {}, .args = {}, .function = [task]() mutable { return task.run(); }};
}

}  // namespace tvp
