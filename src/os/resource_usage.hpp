#pragma once
// CPU seconds (user + system) of this process's waited-for children: a
// process's own CPU time leaves its children out, so without this the process
// back-ends would look free.
namespace tvp {

double children_cpu_seconds();
// For a process about to crash on purpose: no core dump to write.
void disable_core_dumps() noexcept;
// CPU seconds of this process, all its threads together.
double self_cpu_seconds();
// This process and its waited-for children: what a benchmark's work cost in CPU.
inline double process_and_children_cpu_seconds() { return self_cpu_seconds() + children_cpu_seconds(); }

}  // namespace tvp
