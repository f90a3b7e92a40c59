#pragma once
// The suite's scenarios, one row each: the one list bench registers from,
// `bench --list-scenarios` prints and scripts/suite runs. A new scenario is
// its bench file (registering its benchmarks), its row here, its line in
// bench/CMakeLists.txt and its tests.
#include <array>
#include <string_view>

#include "suite_options.hpp"

namespace tvp::bench {

void register_create_benchmarks(const SuiteOptions& options);
void register_create_split_benchmarks(const SuiteOptions& options);     // called by the above
void register_crash_detection_benchmarks(const SuiteOptions& options);  // called by register_isolation_benchmarks
void register_sumsq_benchmarks(const SuiteOptions& options);
void register_ipc_benchmarks(const SuiteOptions& options);
void register_manager_benchmarks(const SuiteOptions& options);
void register_memory_benchmarks(const SuiteOptions& options);
void register_io_bound_benchmarks(const SuiteOptions& options);
void register_isolation_benchmarks(const SuiteOptions& options);
void register_parent_memory_benchmarks(const SuiteOptions& options);
void register_pool_benchmarks(const SuiteOptions& options);
void register_workload_benchmarks(const SuiteOptions& options);

struct Scenario {
    std::string_view name;          // as scripts/suite --scenarios names it
    std::string_view program;       // what runs it: bench, or the program that does instead
    std::string_view filter;        // the benchmarks it selects, of `program`'s
    std::string_view quick_filter;  // scripts/suite --quick's narrower selection; "" for the whole filter
    std::string_view about;         // one line for the listing
    // Registers its benchmarks in bench (nullptr for another program's, or
    // for a scenario whose benchmarks another row's registration makes).
    void (*register_benchmarks)(const SuiteOptions&);
};

// In the order scripts/suite runs them.
inline constexpr std::array scenario_table{
    // The 512 MiB parents (the page shapes, create_split's second point) are
    // most of create's time; the smoke run keeps the 0 and 64 MiB points.
    Scenario{"create", "bench", "^create(_split)?/", "^create(_split)?/.*/parent_mib:(0|64)(/|$)",
             "starting and joining workers, split into its phases", register_create_benchmarks},
    Scenario{"sumsq_kernel", "bench", "^sumsq_kernel/", "", "the sum of squares on one core, naive and fast", nullptr},
    Scenario{"sumsq", "bench", "^sumsq/", "", "the chapter's sum of squares on W workers", register_sumsq_benchmarks},
    Scenario{"ipc_baseline", "bench", "^ipc_baseline/", "",
             "the floor under every mechanism: an atomic ping-pong and memcpy", nullptr},
    // The IPC scenarios keep their own short minimum time: --quick narrows them to two sizes on two CPUs.
    Scenario{"queue", "bench", "^queue/", "^queue/.*/bytes:(8|65536)/cpus:cross/",
             "the chapter's Queue: round trips and streaming per mechanism and size", register_ipc_benchmarks},
    Scenario{"pipe", "bench", "^pipe/", "^pipe/.*/bytes:(8|65536)/cpus:cross/",
             "the chapter's Pipe: pipes and socketpairs", nullptr},
    Scenario{"manager", "bench", "^manager/", "^manager/.*/workers:(1|4)/mix:write",
             "the chapter's Manager: a dict and a list under a lock", register_manager_benchmarks},
    Scenario{"memory", "bench", "^memory/", "^memory/.*/workers:(1|16)/", "memory per worker (Rss, Pss)",
             register_memory_benchmarks},
    Scenario{"cow", "bench", "^cow/", "", "copy-on-write after fork, against the parent's size",
             register_parent_memory_benchmarks},
    Scenario{"iobound", "bench", "^iobound/", "^iobound/.*/workers:(1|64)/", "I/O-bound waits per second",
             register_io_bound_benchmarks},
    Scenario{"isolation", "bench", "^isolation/", "", "a crashing worker: who survives, how fast it is seen",
             register_isolation_benchmarks},
    Scenario{"pool", "bench", "^pool/", "", "pools: one task's dispatch, and efficiency against task size",
             register_pool_benchmarks},
    Scenario{"workload", "bench", "^workload/", "^workload/.*/task_us:0/bytes:0/",
             "a user's workload (tasks, µs and bytes each) by seven strategies: scripts/advise's costs",
             register_workload_benchmarks},
    Scenario{"mpi", "bench_mpi", ".", "/bytes:(8|65536)/|^sumsq/|^reduce/|^manager/.*mix:write",
             "MPI ranks under mpirun (and bench_mpi_startup: mpirun's own cost)", nullptr},
    Scenario{"python", "python_reference", "", "", "the chapter's own Python (scripts/python_reference)", nullptr},
};

// One line per scenario, tab-separated: name, program, filter, quick filter, about.
void print_scenarios();

}  // namespace tvp::bench
