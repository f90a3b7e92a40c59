// Scenario `pingpong` on MPI ranks, OSU's osu_latency method: ranks 0 and 1
// bounce one message per round trip with blocking MPI_Send / MPI_Recv; warm-up
// round trips first (100, or 10 from 64 KiB), buffers touched before. Every
// message is the suite's (src/ipc/message.hpp): a 32-byte header with sequence
// number and checksum, then `bytes` of payload; both sides verify every
// message. Each round trip is a sample: round-trip p50/p99, and one-way as
// OSU defines it, half the round trip (across hosts the two clocks differ).
//
// pingpong/raw_mpi: the same sizes (header + payload bytes on the wire), a bare
// MPI_Send / MPI_Recv loop that echoes one buffer, no per-message stamp or
// checksum (only the sequence word is compared), no samples: what the engine
// costs without the suite around it.
#include <cstring>
#include <vector>

#include "ipc/message.hpp"
#include "latency_stats.hpp"
#include "mpi_scenarios.hpp"

namespace tvp::mpi {

namespace {

using ipc::MessageChecker;
using ipc::MessageHeader;
using ipc::MessageWriter;

constexpr std::size_t message_sizes[] = {8, 64, 4096, 65536, 1 << 20};
constexpr int data_tag = 1;

int warm_up_round_trips(std::size_t payload_bytes) { return payload_bytes >= 65536 ? 10 : 100; }

void send(std::span<const std::byte> message, int to) {
    MPI_Send(message.data(), static_cast<int>(message.size()), MPI_BYTE, to, data_tag, MPI_COMM_WORLD);
}

void receive(std::vector<std::byte>& buffer, int from) {
    MPI_Recv(buffer.data(), static_cast<int>(buffer.size()), MPI_BYTE, from, data_tag, MPI_COMM_WORLD,
             MPI_STATUS_IGNORE);
}

// A wrong message is recorded, and the round trips go on (lockstep.hpp).
void check(MessageChecker& checker, std::span<const std::byte> message, RankRun& run) {
    try {
        checker.check(message);
    } catch (const std::exception& error) {
        run.fail(error.what());
    }
}

void pingpong(RankRun& run, std::size_t payload_bytes) {
    if (run.size() < 2) return run.skip(needs_two_ranks_message(run.size()));
    if (run.rank() > 1) return;           // ranks 0 and 1 only
    MessageWriter writer(payload_bytes);  // its buffer is touched when made
    MessageChecker checker(payload_bytes);
    std::vector<std::byte> received(sizeof(MessageHeader) + payload_bytes);  // zeroed: touched
    std::uint64_t sequence = 0;

    if (run.rank() == 1) {  // the echo
        auto echo = [&] {
            receive(received, 0);
            check(checker, received, run);
            send(writer.next(sequence++), 0);
        };
        for (int i = 0; i < warm_up_round_trips(payload_bytes); ++i) echo();
        run.timed_loop(echo);
        run.agree();
        return;
    }

    std::vector<std::int64_t> round_trips_ns;
    round_trips_ns.reserve(static_cast<std::size_t>(run.iterations()));
    auto round_trip = [&] {
        const auto request = writer.next(sequence++);
        const std::int64_t sent_ns = ipc::read_header(request).sent_ns;
        send(request, 1);
        receive(received, 1);
        const std::int64_t now = monotonic_ns();
        check(checker, received, run);
        return now - sent_ns;
    };
    for (int i = 0; i < warm_up_round_trips(payload_bytes); ++i) round_trip();
    run.timed_loop([&] { round_trips_ns.push_back(round_trip()); });
    if (!run.agree()) return;
    auto& state = run.state();
    bench::report_verified(state,
                           checker.next_sequence() - static_cast<std::uint64_t>(warm_up_round_trips(payload_bytes)));
    std::vector<std::int64_t> one_way_ns(round_trips_ns.size());
    for (std::size_t i = 0; i < round_trips_ns.size(); ++i) one_way_ns[i] = round_trips_ns[i] / 2;
    bench::report_latency_percentiles(state, std::move(round_trips_ns), std::move(one_way_ns));
}

void raw_pingpong(RankRun& run, std::size_t payload_bytes) {
    if (run.size() < 2) return run.skip(needs_two_ranks_message(run.size()));
    if (run.rank() > 1) return;
    std::vector<std::byte> buffer(sizeof(MessageHeader) + payload_bytes, std::byte{1});
    const int count = static_cast<int>(buffer.size());
    if (run.rank() == 1) {
        auto echo = [&] {
            MPI_Recv(buffer.data(), count, MPI_BYTE, 0, data_tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            MPI_Send(buffer.data(), count, MPI_BYTE, 0, data_tag, MPI_COMM_WORLD);
        };
        for (int i = 0; i < warm_up_round_trips(payload_bytes); ++i) echo();
        run.timed_loop(echo);
        run.agree();
        return;
    }
    std::uint64_t sequence = 0, verified = 0;
    auto round_trip = [&] {
        std::memcpy(buffer.data(), &sequence, sizeof sequence);
        MPI_Send(buffer.data(), count, MPI_BYTE, 1, data_tag, MPI_COMM_WORLD);
        MPI_Recv(buffer.data(), count, MPI_BYTE, 1, data_tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        std::uint64_t echoed;
        std::memcpy(&echoed, buffer.data(), sizeof echoed);
        if (echoed != sequence)
            run.fail("round trip " + std::to_string(sequence) + " came back as " + std::to_string(echoed));
        ++sequence;
    };
    for (int i = 0; i < warm_up_round_trips(payload_bytes); ++i) round_trip();
    run.timed_loop([&] {
        round_trip();
        ++verified;
    });
    if (!run.agree()) return;
    bench::report_verified(run.state(), verified);
}

}  // namespace

void add_pingpong_benchmarks(Lockstep& lockstep, const MpiOptions& options, int world_size) {
    const auto iterations = static_cast<benchmark::IterationCount>(options.round_trips);
    auto configure = [iterations](benchmark::internal::Benchmark* registered) {
        registered->Iterations(iterations)->UseRealTime()->Unit(benchmark::kMicrosecond);
    };
    for (std::size_t bytes : message_sizes) {
        lockstep.add({mpi_name("pingpong", "mpi", world_size, options).param("bytes", bytes).word("latency").str(),
                      [bytes](RankRun& run) { pingpong(run, bytes); }, configure});
        lockstep.add({mpi_name("pingpong", "raw_mpi", world_size, options).param("bytes", bytes).word("latency").str(),
                      [bytes](RankRun& run) { raw_pingpong(run, bytes); }, configure});
    }
}

}  // namespace tvp::mpi
