#pragma once
// The suite's own command-line flags (everything that is not Google Benchmark's).
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "process/backend.hpp"
#include "launch/launcher.hpp"

namespace tvp::bench {

// Round trips per latency repetition: p99 needs 1,000 samples, p99.9 10,000.
inline constexpr std::uint64_t default_round_trips = 1000;
inline constexpr std::uint64_t max_round_trips = 1 << 20;

struct SuiteOptions {
    std::filesystem::path worker_executable;          // empty: tvp_worker next to bench
    std::vector<std::uint64_t> sumsq_n;               // empty: the default sweep
    std::vector<unsigned> sumsq_workers;              // empty: the default sweep (workload: too)
    std::vector<std::uint64_t> workload_tasks;        // workload: --tasks; all three empty: the default grid
    std::vector<std::uint64_t> workload_task_us;      // --task_us
    std::vector<std::uint64_t> workload_bytes;        // --bytes
    std::uint64_t round_trips = default_round_trips;  // per latency repetition
    std::vector<Backend> selected_backends;           // --backends; empty: each scenario's defaults
    bool full_grid = false;                           // --full_grid: every scenario's whole sweep

    // What every scenario starts its workers with: this back-end, the suite's worker program.
    Launcher launcher(Backend backend) const { return Launcher(backend, worker_executable); }
    // The back-ends a scenario runs: those named with --backends, else the scenario's `defaults`.
    std::vector<Backend> backends(std::span<const Backend> defaults) const;
    // Whether a scenario runs its whole sweep on `backend`: always for the four
    // default back-ends and for back-ends named with --backends; the others,
    // run by default, get a shorter sweep so the default run stays short.
    bool full_sweep(Backend backend) const { return !selected_backends.empty() || is_default_backend(backend); }
};

struct ParsedCommandLine {
    SuiteOptions options;
    std::vector<char*> benchmark_args;  // argv[0] and the flags left for Google Benchmark
    bool help = false;
    bool list_backends = false;
    bool list_scenarios = false;
};

// A one-line message for bad input (the caller prints it and exits with 2).
struct UsageError {
    std::string message;
};

std::variant<ParsedCommandLine, UsageError> parse_command_line(int argc, char** argv);

// The suite's flags, for --help (Google Benchmark's own follow).
void print_suite_help();
// One line per back-end: name, address space, default or not, raw baseline, how it starts.
void print_backends();

inline constexpr unsigned max_workers = 1024;

}  // namespace tvp::bench
