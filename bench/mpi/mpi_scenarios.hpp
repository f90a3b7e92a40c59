#pragma once
// bench_mpi's scenarios: each adds its benchmarks to the lockstep list, the
// same on every rank.
#include <string>

#include "bench_support.hpp"
#include "lockstep.hpp"
#include "mpi_options.hpp"

namespace tvp::mpi {

// "scenario/variant/ranks:N/btl:X", the suite's grammar with the back-end
// ("mpi", or "raw_mpi" for a baseline without the harness), the rank count and
// the transport; the scenario adds its own parameters.
inline bench::BenchmarkName mpi_name(const char* scenario, const char* variant, int ranks, const MpiOptions& options) {
    bench::BenchmarkName name(scenario, variant);
    name.param("ranks", ranks).param("btl", options.btl);
    return name;
}

inline std::string needs_two_ranks_message(int size) {
    return "needs 2 ranks; this run has " + std::to_string(size) + ": start it with mpirun -np 2";
}

inline std::string needs_pairs_message(int size) {
    return "needs an even number of ranks (a receiver for each sender); this run has " + std::to_string(size);
}

// pingpong/mpi, pingpong/raw_mpi: round-trip latency between ranks 0 and 1.
void add_pingpong_benchmarks(Lockstep& lockstep, const MpiOptions& options, int world_size);
// bandwidth/mpi: a window of 64 non-blocking sends, then an acknowledgement.
void add_bandwidth_benchmarks(Lockstep& lockstep, const MpiOptions& options, int world_size);
// message_rate/mpi: OSU's osu_mbw_mr, ranks / 2 pairs streaming windows at once.
void add_message_rate_benchmarks(Lockstep& lockstep, const MpiOptions& options, int world_size);
// manager/mpi: the Manager workload in a window on rank 0, or served by rank 0.
void add_manager_benchmarks(Lockstep& lockstep, const MpiOptions& options, int world_size);
// sumsq/mpi on 1..N ranks, reduce/raw_mpi.
void add_sumsq_benchmarks(Lockstep& lockstep, const MpiOptions& options, int world_size);

// What add_sumsq_benchmarks creates once on every rank (communicators, the
// 128-bit type and its reduction) and frees before MPI_Finalize.
void free_sumsq_resources();

}  // namespace tvp::mpi
