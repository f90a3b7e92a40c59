// Scenario `bandwidth` on MPI ranks, OSU's osu_bw method: rank 0 sends rank 1
// windows of 64 messages (window_stream.hpp), rank 1 verifies every message
// before it acknowledges the window. One timed iteration is one window; the
// payload counts as bytes processed.
#include "mpi_scenarios.hpp"
#include "window_stream.hpp"

namespace tvp::mpi {

namespace {

constexpr std::size_t message_sizes[] = {8, 64, 4096, 65536, 1 << 20};
constexpr double bandwidth_min_time = 0.05;  // as the suite's IPC throughput benchmarks

void bandwidth(RankRun& run, std::size_t payload_bytes) {
    if (run.size() < 2) return run.skip(needs_two_ranks_message(run.size()));
    if (run.rank() > 1) return;

    if (run.rank() == 1) {
        WindowReceiver receiver(payload_bytes, 0);
        receiver.receive_window(run);  // warm-up
        run.timed_loop([&] { receiver.receive_window(run); });
        run.agree();
        return;
    }

    WindowSender sender(payload_bytes, 1);
    std::uint64_t windows_verified = 0;
    sender.send_window(run);  // warm-up
    run.timed_loop([&] { windows_verified += sender.send_window(run) ? 1 : 0; });
    if (!run.agree()) return;
    auto& state = run.state();
    bench::report_verified(state, windows_verified);
    const auto messages = static_cast<std::int64_t>(state.iterations() * stream_window);
    state.SetItemsProcessed(messages);
    state.SetBytesProcessed(messages * static_cast<std::int64_t>(payload_bytes));
}

}  // namespace

void add_bandwidth_benchmarks(Lockstep& lockstep, const MpiOptions& options, int world_size) {
    for (std::size_t bytes : message_sizes)
        lockstep.add({mpi_name("bandwidth", "mpi", world_size, options)
                          .param("bytes", bytes)
                          .param("window", stream_window)
                          .word("throughput")
                          .str(),
                      [bytes](RankRun& run) { bandwidth(run, bytes); },
                      [](benchmark::internal::Benchmark* registered) {
                          registered->UseRealTime()->Unit(benchmark::kMicrosecond)->MinTime(bandwidth_min_time);
                      }});
}

}  // namespace tvp::mpi
