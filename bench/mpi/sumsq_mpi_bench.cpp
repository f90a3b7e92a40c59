// Scenario `sumsq` on MPI ranks: the chapter's sum of i*i below n, split as the
// chapter splits it (src/sumsq.hpp's split_work) over the first R ranks, each
// summing its range with the suite's kernel, exact in 128 bits; the partial
// sums are reduced exactly to rank 0 with a reduction of our own on a 128-bit
// type (MPI has no 128-bit integer) and checked against the closed form every
// iteration. The time is taken between two barriers (MPI_Wtime, manual time):
// from all R ranks ready to the sum complete on rank 0 and every rank done.
// `speedup` divides the same run on 1 rank (measured untimed on rank 0, median
// of at least 5 runs and 0.1 s, once per n) by the row's time.
//
// reduce/raw_mpi: a bare MPI_Reduce of two 64-bit integers (MPI_SUM) over R
// ranks in a loop, no barriers, no kernel: what the reduction alone costs.
#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>

#include "mpi_scenarios.hpp"
#include "sumsq/sumsq.hpp"

namespace tvp::mpi {

namespace {

constexpr double sumsq_min_time = 0.1;
constexpr double reduce_min_time = 0.05;

// Communicators of the first R ranks (MPI_COMM_NULL on the others), one per rank count.
std::map<int, MPI_Comm> first_ranks;
MPI_Datatype uint128_type = MPI_DATATYPE_NULL;
MPI_Op uint128_sum = MPI_OP_NULL;

extern "C" void add_uint128(void* in, void* inout, int* length, MPI_Datatype*) {
    for (int i = 0; i < *length; ++i) {
        uint128 a, b;
        std::memcpy(&a, static_cast<std::byte*>(in) + 16 * i, 16);
        std::memcpy(&b, static_cast<std::byte*>(inout) + 16 * i, 16);
        b += a;  // exact: every partial sum and their total fit 128 bits (n is checked at parse time)
        std::memcpy(static_cast<std::byte*>(inout) + 16 * i, &b, 16);
    }
}

// Collective over MPI_COMM_WORLD: every rank calls it, in the same order.
void create_resources(const std::vector<int>& rank_counts) {
    if (uint128_type == MPI_DATATYPE_NULL) {
        MPI_Type_contiguous(16, MPI_BYTE, &uint128_type);
        MPI_Type_commit(&uint128_type);
        MPI_Op_create(add_uint128, /*commute=*/1, &uint128_sum);
    }
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    for (int count : rank_counts) {
        if (first_ranks.contains(count)) continue;
        MPI_Comm comm = MPI_COMM_NULL;
        MPI_Comm_split(MPI_COMM_WORLD, rank < count ? 0 : MPI_UNDEFINED, rank, &comm);
        first_ranks[count] = comm;
    }
}

// 1, 2, 4, ... up to the world size, and the world size.
std::vector<int> rank_counts(int world_size) {
    std::vector<int> counts;
    for (int count = 1; count < world_size; count *= 2) counts.push_back(count);
    counts.push_back(world_size);
    return counts;
}

std::string wrong_sum(std::uint64_t n, uint128 got, uint128 expected) {
    return "wrong sum for n=" + std::to_string(n) + ": got " + to_decimal(got) + ", expected " + to_decimal(expected);
}

// One sum on the ranks of comm, between barriers; the total on its rank 0.
double timed_sum(MPI_Comm comm, IndexRange range, uint128& total) {
    MPI_Barrier(comm);
    const double start = MPI_Wtime();
    const uint128 partial = sum_of_squares(range.begin, range.end);
    total = 0;
    MPI_Reduce(&partial, &total, 1, uint128_type, uint128_sum, 0, comm);
    MPI_Barrier(comm);
    return MPI_Wtime() - start;
}

// Rank 0 alone (the 1-rank communicator): the reference behind `speedup`.
double one_rank_seconds(std::uint64_t n, uint128 expected) {
    static std::map<std::uint64_t, double> measured;
    if (auto found = measured.find(n); found != measured.end()) return found->second;
    uint128 total = 0;
    timed_sum(first_ranks.at(1), {0, n}, total);  // warm-up
    std::vector<double> runs;
    double elapsed = 0;
    while (runs.size() < 5 || (elapsed < 0.1 && runs.size() < 1000)) {
        runs.push_back(timed_sum(first_ranks.at(1), {0, n}, total));
        if (total != expected) throw std::runtime_error(wrong_sum(n, total, expected));
        elapsed += runs.back();
    }
    std::nth_element(runs.begin(), runs.begin() + static_cast<std::ptrdiff_t>(runs.size() / 2), runs.end());
    return measured[n] = runs[runs.size() / 2];
}

void sumsq(RankRun& run, int ranks, std::uint64_t n) {
    MPI_Comm comm = first_ranks.at(ranks);
    if (comm == MPI_COMM_NULL) return;  // not one of the first `ranks`
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    const IndexRange range = split_work(n, static_cast<unsigned>(ranks)).at(static_cast<std::size_t>(rank));
    const uint128 expected = *sum_of_squares_closed_form(n);
    std::uint64_t verified = 0;
    double timed_seconds = 0;
    run.timed_loop([&] {
        uint128 total = 0;
        const double seconds = timed_sum(comm, range, total);
        if (!run.leads()) return;
        run.state().SetIterationTime(seconds);
        timed_seconds += seconds;
        if (total == expected) ++verified;
        else run.fail(wrong_sum(n, total, expected));
    });
    if (!run.agree() || !run.leads()) return;
    auto& state = run.state();
    bench::report_verified(state, verified);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
    state.SetLabel("sum=" + to_decimal(expected));
    const double seconds =
        timed_seconds / static_cast<double>(std::max<benchmark::IterationCount>(state.iterations(), 1));
    const double speedup = one_rank_seconds(n, expected) / seconds;
    state.counters["speedup"] = speedup;
    state.counters["efficiency"] = speedup / ranks;
    state.counters["ns_per_element"] = seconds * 1e9 / static_cast<double>(n);
}

void raw_reduce(RankRun& run, int ranks) {
    MPI_Comm comm = first_ranks.at(ranks);
    if (comm == MPI_COMM_NULL) return;
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    std::uint64_t round = 0, verified = 0;
    const std::uint64_t rank_total = static_cast<std::uint64_t>(ranks) * (ranks + 1) / 2;
    run.timed_loop([&] {
        const std::uint64_t mine[2] = {static_cast<std::uint64_t>(rank) + 1, round};
        std::uint64_t sum[2] = {0, 0};
        MPI_Reduce(mine, sum, 2, MPI_UINT64_T, MPI_SUM, 0, comm);
        if (rank == 0) {
            if (sum[0] == rank_total && sum[1] == round * static_cast<std::uint64_t>(ranks)) ++verified;
            else
                run.fail("reduce " + std::to_string(round) + " gave " + std::to_string(sum[0]) + ", " +
                         std::to_string(sum[1]));
        }
        ++round;
    });
    if (!run.agree() || !run.leads()) return;
    bench::report_verified(run.state(), verified);
}

}  // namespace

void add_sumsq_benchmarks(Lockstep& lockstep, const MpiOptions& options, int world_size) {
    const std::vector<int> counts = rank_counts(world_size);
    create_resources(counts);
    for (std::uint64_t n : options.sumsq_n)
        for (int ranks : counts)
            lockstep.add({mpi_name("sumsq", "mpi", ranks, options).param("n", n).str(),
                          [ranks, n](RankRun& run) { sumsq(run, ranks, n); },
                          [](benchmark::internal::Benchmark* registered) {
                              registered->UseManualTime()->Unit(benchmark::kMillisecond)->MinTime(sumsq_min_time);
                          }});
    for (int ranks : counts)
        lockstep.add({mpi_name("reduce", "raw_mpi", ranks, options).param("bytes", 16).str(),
                      [ranks](RankRun& run) { raw_reduce(run, ranks); },
                      [](benchmark::internal::Benchmark* registered) {
                          registered->UseRealTime()->Unit(benchmark::kMicrosecond)->MinTime(reduce_min_time);
                      }});
}

void free_sumsq_resources() {
    for (auto& [count, comm] : first_ranks)
        if (comm != MPI_COMM_NULL) MPI_Comm_free(&comm);
    first_ranks.clear();
    if (uint128_sum != MPI_OP_NULL) MPI_Op_free(&uint128_sum);
    if (uint128_type != MPI_DATATYPE_NULL) MPI_Type_free(&uint128_type);
}

}  // namespace tvp::mpi
