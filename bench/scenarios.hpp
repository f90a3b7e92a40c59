#pragma once
// Each scenario registers its benchmarks from the suite's options.
#include "suite_options.hpp"

namespace tvp::bench {

void register_create_benchmarks(const SuiteOptions& options);
void register_create_split_benchmarks(const SuiteOptions& options);  // called by the above
void register_crash_detection_benchmarks(const SuiteOptions& options);  // called by register_isolation_benchmarks
void register_sumsq_benchmarks(const SuiteOptions& options);
void register_ipc_benchmarks(const SuiteOptions& options);
void register_manager_benchmarks(const SuiteOptions& options);
void register_memory_benchmarks(const SuiteOptions& options);
void register_io_bound_benchmarks(const SuiteOptions& options);
void register_isolation_benchmarks(const SuiteOptions& options);
void register_parent_memory_benchmarks(const SuiteOptions& options);
void register_pool_benchmarks(const SuiteOptions& options);

}  // namespace tvp::bench
