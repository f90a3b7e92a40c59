// Scenario `bandwidth` on MPI ranks, OSU's osu_bw method: rank 0 posts a
// window of 64 MPI_Isend, rank 1 64 MPI_Irecv; when rank 1 has them all it
// answers with a small acknowledgement, and the window is done. One timed
// iteration is one window; the payload counts as bytes processed. Each window
// slot has its own buffers (the sender's built once, then only re-stamped), and
// rank 1 verifies every message (sequence, checksum) before it acknowledges;
// the acknowledgement says how many messages it has verified so far.
#include <vector>

#include "ipc/message.hpp"
#include "mpi_scenarios.hpp"

namespace tvp::mpi {

namespace {

using ipc::MessageChecker;
using ipc::MessageHeader;
using ipc::MessageWriter;

constexpr std::size_t message_sizes[] = {8, 64, 4096, 65536, 1 << 20};
constexpr int window = 64;
constexpr int data_tag = 2;
constexpr int ack_tag = 3;
constexpr double bandwidth_min_time = 0.05;  // as the suite's IPC throughput benchmarks

void bandwidth(RankRun& run, std::size_t payload_bytes) {
    if (run.size() < 2) return run.skip(needs_two_ranks_message(run.size()));
    if (run.rank() > 1) return;
    const int count = static_cast<int>(sizeof(MessageHeader) + payload_bytes);
    std::vector<MPI_Request> requests(window);

    if (run.rank() == 1) {
        std::vector<std::vector<std::byte>> slots(window, std::vector<std::byte>(static_cast<std::size_t>(count)));
        MessageChecker checker(payload_bytes);
        auto receive_window = [&] {
            for (int i = 0; i < window; ++i)
                MPI_Irecv(slots[i].data(), count, MPI_BYTE, 0, data_tag, MPI_COMM_WORLD, &requests[i]);
            MPI_Waitall(window, requests.data(), MPI_STATUSES_IGNORE);
            // Messages from one sender with one tag match the receives in order (MPI's non-overtaking rule).
            for (const auto& slot : slots) {
                try {
                    checker.check(slot);
                } catch (const std::exception& error) {
                    run.fail(error.what());
                }
            }
            std::uint64_t verified = checker.next_sequence();
            MPI_Send(&verified, 1, MPI_UINT64_T, 0, ack_tag, MPI_COMM_WORLD);
        };
        receive_window();  // warm-up
        run.timed_loop(receive_window);
        run.agree();
        return;
    }

    std::vector<MessageWriter> writers;
    writers.reserve(window);
    for (int i = 0; i < window; ++i) writers.emplace_back(payload_bytes);
    std::uint64_t sequence = 0, windows_verified = 0;
    auto send_window = [&] {
        for (int i = 0; i < window; ++i) {
            const auto message = writers[i].next(sequence++);
            MPI_Isend(message.data(), count, MPI_BYTE, 1, data_tag, MPI_COMM_WORLD, &requests[i]);
        }
        MPI_Waitall(window, requests.data(), MPI_STATUSES_IGNORE);
        std::uint64_t acknowledged = 0;
        MPI_Recv(&acknowledged, 1, MPI_UINT64_T, 1, ack_tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (acknowledged != sequence)
            run.fail("rank 1 verified " + std::to_string(acknowledged) + " of " + std::to_string(sequence) + " messages");
        return acknowledged == sequence;
    };
    send_window();  // warm-up
    run.timed_loop([&] { windows_verified += send_window() ? 1 : 0; });
    if (!run.agree()) return;
    auto& state = run.state();
    bench::report_verified(state, windows_verified);
    const auto messages = static_cast<std::int64_t>(state.iterations() * window);
    state.SetItemsProcessed(messages);
    state.SetBytesProcessed(messages * static_cast<std::int64_t>(payload_bytes));
}

}  // namespace

void add_bandwidth_benchmarks(Lockstep& lockstep, const MpiOptions& options, int world_size) {
    for (std::size_t bytes : message_sizes)
        lockstep.add({mpi_name("bandwidth", "mpi", world_size, options)
                          .param("bytes", bytes)
                          .param("window", window)
                          .word("throughput")
                          .str(),
                      [bytes](RankRun& run) { bandwidth(run, bytes); },
                      [](benchmark::internal::Benchmark* registered) {
                          registered->UseRealTime()->Unit(benchmark::kMicrosecond)->MinTime(bandwidth_min_time);
                      }});
}

}  // namespace tvp::mpi
