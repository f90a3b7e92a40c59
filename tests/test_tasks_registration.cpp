// The tests' process finds the tests' own tasks by name too (a thread or a
// forked child runs a named task from the registry).
#include "task/task_registry.hpp"
#include "test_tasks.hpp"

namespace {
const bool registered = (tvp::add_tasks(tvp::test_tasks()), true);
}  // namespace
