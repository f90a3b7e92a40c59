#pragma once
// The one way a forked child of the suite ends: with _exit(), whatever happens.
// A child that let an exception unwind would return into the parent's code
// (in bench: Google Benchmark's loop, which would run the rest of the suite a
// second time), and must never run the parent's atexit handlers or destructors.
#include <functional>
#include <string_view>

namespace tvp {

// Runs `body` and _exits with its result. An exception is reported on stderr
// as "<who>: <what>" and ends the child with exit_task_threw (70).
[[noreturn]] void run_forked_child(const std::function<int()>& body, std::string_view who) noexcept;

}  // namespace tvp
