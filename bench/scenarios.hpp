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
    // Seconds scripts/suite's default run of it took in the reference run
    // (reference_run below; its context's tvp_suite.scenario_seconds), for
    // bench --help. tests/scripts/test_any_results.py checks them against it.
    int reference_seconds;
};

// The committed reference run (results/) whose times bench --help quotes.
inline constexpr std::string_view reference_run = "vm-20261207-084257.json";

// In the order scripts/suite runs them.
inline constexpr std::array scenario_table{
    // The 512 MiB parents (the page shapes, create_split's second point) are
    // most of create's time; the smoke run keeps the 0 and 64 MiB points.
    Scenario{"create", "bench", "^create(_split)?/", "^create(_split)?/.*/parent_mib:(0|64)(/|$)",
             "starting and joining workers, split into its phases", register_create_benchmarks, 50},
    Scenario{"sumsq_kernel", "bench", "^sumsq_kernel/", "", "the sum of squares on one core, naive and fast", nullptr,
             2},
    // Its paired ratios take about 1.5 s a benchmark at n = 10^8: the smoke run
    // stops at 10^6, on 1 and 4 workers (the pool's at two task sizes).
    Scenario{"sumsq", "bench", "^sumsq/", "^sumsq/.*/workers:(1|4)/n:(10000|1000000)/",
             "the chapter's sum of squares on W workers", register_sumsq_benchmarks, 29},
    Scenario{"ipc_baseline", "bench", "^ipc_baseline/", "",
             "the floor under every mechanism: an atomic ping-pong and memcpy", nullptr, 2},
    // The IPC scenarios keep their own short minimum time: --quick narrows them to two sizes on two CPUs.
    Scenario{"queue", "bench", "^queue/", "^queue/.*/bytes:(8|65536)/cpus:cross/",
             "the chapter's Queue: round trips and streaming per mechanism and size", register_ipc_benchmarks, 44},
    Scenario{"pipe", "bench", "^pipe/", "^pipe/.*/bytes:(8|65536)/cpus:cross/",
             "the chapter's Pipe: pipes and socketpairs", nullptr, 34},
    Scenario{"manager", "bench", "^manager/", "^manager/.*/workers:(1|4)/mix:write",
             "the chapter's Manager: a dict and a list under a lock", register_manager_benchmarks, 22},
    Scenario{"memory", "bench", "^memory/", "^memory/.*/workers:(1|16)/", "memory per worker (Rss, Pss)",
             register_memory_benchmarks, 6},
    Scenario{"cow", "bench", "^cow/", "", "copy-on-write after fork, against the parent's size",
             register_parent_memory_benchmarks, 1},
    Scenario{"iobound", "bench", "^iobound/", "^iobound/.*/workers:(1|64)/", "I/O-bound waits per second",
             register_io_bound_benchmarks, 6},
    Scenario{"isolation", "bench", "^isolation/", "", "a crashing worker: who survives, how fast it is seen",
             register_isolation_benchmarks, 5},
    Scenario{"pool", "bench", "^pool/", "^pool/.*/(task:empty|chunk:(1000|1000000))/",
             "pools: one task's dispatch, and efficiency against task size", register_pool_benchmarks, 22},
    Scenario{"workload", "bench", "^workload/", "^workload/.*/task_us:0/bytes:0/",
             "a user's workload (tasks, µs and bytes each) by seven strategies: scripts/advise's costs",
             register_workload_benchmarks, 38},
    Scenario{"mpi", "bench_mpi", ".", "/bytes:(8|65536)/|^sumsq/|^reduce/|^manager/.*mix:write",
             "MPI ranks under mpirun (and bench_mpi_startup: mpirun's own cost)", nullptr, 22},
    Scenario{"python", "python_reference", "", "", "the chapter's own Python (scripts/python_reference)", nullptr, 12},
};

// One line per scenario, tab-separated: name, program, filter, quick filter, about.
void print_scenarios();

}  // namespace tvp::bench
