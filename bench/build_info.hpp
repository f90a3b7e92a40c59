#pragma once
// What Google Benchmark's JSON context lacks: the machine and the toolchain
// behind the numbers, added as custom context.
namespace tvp::bench {

void add_build_and_machine_context();

}  // namespace tvp::bench
