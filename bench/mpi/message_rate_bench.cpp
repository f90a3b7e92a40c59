// Scenario `message_rate` on MPI ranks, OSU's osu_mbw_mr method: P pairs
// stream at once, sender rank i to receiver rank i + P (P = ranks / 2; with 2
// ranks one pair), each pair windows of 64 messages (window_stream.hpp), every
// message verified by its receiver. All ranks start together (a barrier after
// one warm-up window); one timed iteration is one window on every pair. Each
// sender times its own windows (MPI_Wtime), and, as OSU does, the pairs' rates
// are summed: `messages_per_second` (all pairs), `bytes_per_second` (that times
// the payload). An odd rank count leaves a rank without a partner: skipped,
// with that reason. `verified` is the windows every pair had verified.
#include <algorithm>
#include <limits>

#include "mpi_scenarios.hpp"
#include "window_stream.hpp"

namespace tvp::mpi {

namespace {

constexpr std::size_t message_sizes[] = {8, 64, 4096, 65536, 1 << 20};
constexpr double message_rate_min_time = 0.05;

void message_rate(RankRun& run, std::size_t payload_bytes) {
    if (run.size() < 2) return run.skip(needs_two_ranks_message(run.size()));
    if (run.size() % 2 != 0) return run.skip(needs_pairs_message(run.size()));
    const int pairs = run.size() / 2;
    const bool sends = run.rank() < pairs;
    double rate = 0;  // this sender's messages per second
    std::uint64_t verified = std::numeric_limits<std::uint64_t>::max();
    if (sends) {
        WindowSender sender(payload_bytes, run.rank() + pairs);
        sender.send_window(run);  // warm-up
        MPI_Barrier(MPI_COMM_WORLD);
        verified = 0;
        const double start = MPI_Wtime();
        run.timed_loop([&] { verified += sender.send_window(run) ? 1 : 0; });
        const double seconds = MPI_Wtime() - start;
        rate = static_cast<double>(run.iterations() * stream_window) / std::max(seconds, 1e-12);
    } else {
        WindowReceiver receiver(payload_bytes, run.rank() - pairs);
        receiver.receive_window(run);  // warm-up
        MPI_Barrier(MPI_COMM_WORLD);
        run.timed_loop([&] { receiver.receive_window(run); });
    }
    double total_rate = 0;
    std::uint64_t verified_by_all = 0;
    MPI_Reduce(&rate, &total_rate, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
    MPI_Reduce(&verified, &verified_by_all, 1, MPI_UINT64_T, MPI_MIN, 0, MPI_COMM_WORLD);
    if (!run.agree() || !run.leads()) return;
    auto& state = run.state();
    bench::report_verified(state, verified_by_all);
    state.counters["pairs"] = pairs;
    state.counters["messages_per_second"] = total_rate;
    state.counters["bytes_per_second"] = total_rate * static_cast<double>(payload_bytes);
}

}  // namespace

void add_message_rate_benchmarks(Lockstep& lockstep, const MpiOptions& options, int world_size) {
    const int pairs = std::max(world_size / 2, 1);
    for (std::size_t bytes : message_sizes)
        lockstep.add({mpi_name("message_rate", "mpi", world_size, options)
                          .param("pairs", pairs)
                          .param("bytes", bytes)
                          .param("window", stream_window)
                          .word("throughput")
                          .str(),
                      [bytes](RankRun& run) { message_rate(run, bytes); },
                      [](benchmark::internal::Benchmark* registered) {
                          registered->UseRealTime()->Unit(benchmark::kMicrosecond)->MinTime(message_rate_min_time);
                      }});
}

}  // namespace tvp::mpi
