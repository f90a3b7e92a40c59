#pragma once
// How a worker program of the suite ends when its task did not run (sysexits.h's numbers).
namespace tvp {

inline constexpr int exit_unknown_task = 64;  // EX_USAGE: no such task, or bad arguments
inline constexpr int exit_task_threw = 70;    // EX_SOFTWARE: the task threw

}  // namespace tvp
