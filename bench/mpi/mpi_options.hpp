#pragma once
// bench_mpi's own flags, and where it learns the transport it runs over. Every
// rank parses the same command line to the same result; only rank 0 prints.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace tvp::mpi {

struct MpiOptions {
    std::string btl;                     // "vader" or "tcp": the transport mpirun's --mca btl chose
    std::uint64_t round_trips = 1000;    // per latency repetition, as bench's --round_trips
    std::vector<std::uint64_t> sumsq_n;  // the sumsq sizes
    unsigned run_timeout_s = 120;        // the watchdog: longest run of one benchmark on one rank
    int test_kill_rank = -1;             // hidden, tests only: this rank aborts mid-benchmark
    int test_fail_rank = -1;             // hidden, tests only: this rank reports a failure mid-benchmark
    int test_lose_update_rank = -1;      // hidden, tests only: this rank's manager worker loses an append
};

struct MpiCommandLine {
    MpiOptions options;
    std::vector<char*> benchmark_args;  // argv[0] and the --benchmark_* flags, for Google Benchmark
    bool help = false;
};

// One line, for rank 0 to print before every rank exits with 2.
struct MpiUsageError {
    std::string message;
};

// btl_env: the value of OMPI_MCA_btl (mpirun sets it from --mca btl), or nullopt.
std::variant<MpiCommandLine, MpiUsageError> parse_mpi_command_line(int argc, char** argv,
                                                                   std::optional<std::string> btl_env);

// The transport named by a value of --mca btl ("self,vader" -> "vader"), or nullopt.
std::optional<std::string> transport_of(const std::string& btl_list);

void print_mpi_help();

// What to type, for a bench_mpi started without mpirun.
std::string how_to_start();

}  // namespace tvp::mpi
