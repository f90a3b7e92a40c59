#pragma once
// CPU seconds (user + system) of this process's waited-for children: a
// process's own CPU time leaves its children out, so without this the process
// back-ends would look free.
namespace tvp {

double children_cpu_seconds();

}  // namespace tvp
