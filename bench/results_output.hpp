#pragma once
// --benchmark_out, written so that a run never leaves a file that lies: Google
// Benchmark writes it through a std::ofstream whose errors nobody checks (on a
// full disk it exits 0 with an empty or truncated file). Here the results are
// kept in memory, then written to a temporary name beside the destination,
// flushed to disk, checked and renamed; nothing half-written ever has the
// destination's name.

namespace tvp::bench {

// Runs the selected benchmarks like benchmark::RunSpecifiedBenchmarks(). Returns
// the program's exit code: 0, or 1 after one line on stderr (prefixed with
// `program`) when --benchmark_out was given and its file could not be written.
int run_benchmarks(const char* program);

}  // namespace tvp::bench
