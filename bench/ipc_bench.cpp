// Scenarios `queue` and `pipe`: the chapter's "Comunicazione tra Processi" 1 and
// 2. The parent (thread or process) talks to one peer of the same back-end
// through each mechanism: round-trip latency (ping-pong, with one-way latency
// percentiles from CLOCK_MONOTONIC timestamps) and streaming throughput (batches
// acknowledged by the consumer). Every message is verified on arrival. The peer
// is started, and a first round trip made, before the timed loop.
//
// Baselines (scenario `ipc_baseline`): an atomic ping-pong between two threads
// on one cache line (the floor for a shared-memory round trip) and memcpy of
// each message size (the ceiling for streaming).
#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "bench_support.hpp"
#include "latency_stats.hpp"
#include "ipc/affinity.hpp"
#include "os/cache_line.hpp"
#include "ipc/endpoint.hpp"
#include "ipc/message.hpp"
#include "ipc/peer.hpp"
#include "ipc/peer_session.hpp"
#include "ipc/spin.hpp"
#include "launch/launcher.hpp"
#include "scenarios.hpp"

namespace tvp::bench {

namespace {

using namespace tvp::ipc;

constexpr std::size_t message_sizes[] = {8, 64, 4096, 65536, 1 << 20};
constexpr Placement placements[] = {Placement::same, Placement::cross, Placement::any};
constexpr double ipc_min_time = 0.05;

enum class Mode { latency, throughput };

struct IpcCase {
    const char* scenario;
    Backend backend;
    Mechanism mechanism;
    WaitMode wait;
    std::size_t payload_bytes;
    Placement placement;
    Mode mode;
};

// Messages per timed iteration when streaming: about 4 MiB, at least 4 messages.
std::uint64_t batch_size(std::size_t payload_bytes) {
    return std::clamp<std::uint64_t>((std::size_t{4} << 20) / (payload_bytes + sizeof(MessageHeader)), 4, 4096);
}

struct RoundTrip {
    std::int64_t sent_ns;        // our request's send time
    std::int64_t reply_sent_ns;  // the peer's reply's send time (its CLOCK_MONOTONIC)
};

// One ping-pong, verified.
RoundTrip round_trip(PeerSession& session, MessageWriter& writer, MessageChecker& checker, std::uint64_t sequence) {
    const auto request = writer.next(sequence);
    const std::int64_t sent_ns = read_header(request).sent_ns;
    session.endpoint().send(request);
    const auto reply = session.endpoint().receive();
    if (reply.empty()) throw std::runtime_error("the peer ended its stream early");
    return {sent_ns, checker.check(reply).sent_ns};
}

// Each timed iteration is one verified round trip; Google Benchmark runs a
// fixed number of them (--round_trips), so the sample is sized for its percentiles.
void measure_latency(benchmark::State& state, PeerSession& session, std::size_t payload_bytes) {
    MessageWriter writer(payload_bytes);
    MessageChecker checker(payload_bytes);
    round_trip(session, writer, checker, 0);  // warm-up, untimed
    std::vector<std::int64_t> one_way, round_trips;
    one_way.reserve(static_cast<std::size_t>(state.max_iterations));
    round_trips.reserve(static_cast<std::size_t>(state.max_iterations));
    std::uint64_t sequence = 1;
    for (auto _ : state) {
        const RoundTrip times = round_trip(session, writer, checker, sequence++);
        const std::int64_t now = monotonic_ns();
        // The reply's own timestamp gives the peer -> parent leg: clocks on both sides.
        one_way.push_back(now - times.reply_sent_ns);
        round_trips.push_back(now - times.sent_ns);
    }
    report_verified(state, checker.next_sequence() - 1);  // the replies checked, less the warm-up's
    report_latency_percentiles(state, std::move(round_trips), std::move(one_way));
}

void expect_ack(Endpoint& endpoint, std::uint64_t count) {
    const auto ack = endpoint.receive();
    if (ack.empty()) throw std::runtime_error("the consumer ended its stream early");
    const MessageHeader header = read_header(ack);
    if (header.kind != MessageHeader::ack || header.sequence != count)
        throw std::runtime_error("the consumer acknowledged " + std::to_string(header.sequence) + " messages, " +
                                 std::to_string(count) + " were sent");
}

void measure_throughput(benchmark::State& state, PeerSession& session, std::size_t payload_bytes, std::uint64_t batch) {
    MessageWriter writer(payload_bytes);
    std::uint64_t sequence = 0;
    auto send_batch = [&] {
        for (std::uint64_t i = 0; i < batch; ++i) session.endpoint().send(writer.next(sequence++));
        expect_ack(session.endpoint(), sequence);
    };
    send_batch();  // warm-up, untimed
    std::uint64_t verified = 0;
    for (auto _ : state) {
        send_batch();
        ++verified;  // the consumer acknowledged every message of the batch, verified
    }
    report_verified(state, verified);
    const auto messages = static_cast<std::int64_t>(state.iterations() * batch);
    state.SetItemsProcessed(messages);
    state.SetBytesProcessed(messages * static_cast<std::int64_t>(payload_bytes));
}

void ipc_benchmark(benchmark::State& state, IpcCase ipc_case, std::filesystem::path worker_executable) {
    run_or_skip(state, [&] {
        if (ipc_case.placement == Placement::cross && usable_cpus() < 2)
            throw std::runtime_error("cpus:cross needs two CPUs, this process may use one");
        const ScopedPin pin(parent_cpu(ipc_case.placement));
        const std::uint64_t batch = batch_size(ipc_case.payload_bytes);
        const PeerOptions options{.role = ipc_case.mode == Mode::latency ? PeerRole::echo : PeerRole::consume,
                                  .payload_bytes = ipc_case.payload_bytes,
                                  .ack_every = batch,
                                  .cpu = peer_cpu(ipc_case.placement)};
        PeerSession session({.backend = ipc_case.backend,
                             .mechanism = ipc_case.mechanism,
                             .wait = ipc_case.wait,
                             .peer = options,
                             .worker_executable = worker_executable});
        const double cpu_before = process_and_children_cpu_seconds();
        if (ipc_case.mode == Mode::latency) measure_latency(state, session, ipc_case.payload_bytes);
        else measure_throughput(state, session, ipc_case.payload_bytes, batch);
        session.finish();  // the peer is reaped now, so its CPU time is counted below
        const double messages = static_cast<double>(state.iterations()) *
                                (ipc_case.mode == Mode::latency ? 2.0 : static_cast<double>(batch));
        state.counters["cpu_us_per_message"] =
            (process_and_children_cpu_seconds() - cpu_before) * 1e6 / std::max(messages, 1.0);
    });
}

// ---- baselines ----

void spin_until(const std::atomic<std::uint64_t>& flag, std::uint64_t value) {
    for (std::uint64_t round = 0; flag.load(std::memory_order_acquire) != value; ++round) spin_once(round);
}

void atomic_pingpong(benchmark::State& state, Placement placement) {
    run_or_skip(state, [&] {
        if (placement == Placement::cross && usable_cpus() < 2)
            throw std::runtime_error("cpus:cross needs two CPUs, this process may use one");
        const ScopedPin pin(parent_cpu(placement));
        alignas(cache_line_bytes) std::atomic<std::uint64_t> flag{0};
        constexpr std::uint64_t stop = ~std::uint64_t{0};
        std::jthread peer([&] {
            pin_current_thread(peer_cpu(placement));
            for (std::uint64_t seen = 1;; seen += 2) {
                for (std::uint64_t round = 0;; ++round) {
                    const std::uint64_t now = flag.load(std::memory_order_acquire);
                    if (now == stop) return;
                    if (now == seen) break;
                    spin_once(round);
                }
                flag.store(seen + 1, std::memory_order_release);
            }
        });
        std::uint64_t value = 0;
        for (auto _ : state) {
            flag.store(value + 1, std::memory_order_release);
            spin_until(flag, value + 2);
            value += 2;
        }
        flag.store(stop, std::memory_order_release);
        report_verified(state, value / 2);  // each round trip saw the peer's answer
    });
}

void memcpy_bandwidth(benchmark::State& state, std::size_t bytes) {
    std::vector<std::byte> source(bytes, std::byte{1}), target(bytes);
    const std::uint64_t batch = batch_size(bytes);
    for (auto _ : state) {
        for (std::uint64_t i = 0; i < batch; ++i) {
            std::memcpy(target.data(), source.data(), bytes);
            benchmark::ClobberMemory();
        }
    }
    if (target.front() != std::byte{1} || target.back() != std::byte{1}) {
        state.SkipWithError("memcpy copied the wrong bytes");
        return;
    }
    report_verified(state, state.iterations());
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * batch * bytes));
}

std::string case_name(const IpcCase& c) {
    BenchmarkName name(c.scenario, to_string(c.backend));
    name.word(to_string(c.mechanism)).param("bytes", c.payload_bytes).param("cpus", to_string(c.placement));
    if (offers_wait_modes(c.mechanism) || c.mechanism == Mechanism::spsc) name.param("wait", to_string(c.wait));
    return name.word(c.mode == Mode::latency ? "latency" : "throughput").str();
}

// POSIX message queues take messages up to msgsize_max bytes (8192 by default),
// and only privileged processes may ask for more: larger sizes are not registered.
std::size_t posix_mq_message_limit() {
    std::ifstream file("/proc/sys/fs/mqueue/msgsize_max");
    std::size_t limit = 8192;
    file >> limit;
    return limit;
}

// A round trip of a megabyte or more takes about 1.5 ms here: the 1000 round
// trips a p99 needs would cost 1.5 s a repetition, a tenth of the suite's
// pipe scenario. Those cases time at most this many (their p50; no p99).
constexpr std::size_t large_payload_bytes = std::size_t{1} << 20;
constexpr std::uint64_t large_payload_round_trips = 100;

// Latency runs are sized by round trips (enough for their percentiles), not by time.
void register_case(const IpcCase& ipc_case, const SuiteOptions& options) {
    static const std::size_t mq_limit = posix_mq_message_limit();
    if (ipc_case.mechanism == Mechanism::posix_mq && ipc_case.payload_bytes + sizeof(MessageHeader) > mq_limit) return;
    auto* registered =
        benchmark::RegisterBenchmark(case_name(ipc_case).c_str(), ipc_benchmark, ipc_case, options.worker_executable)
            ->UseRealTime()
            ->Unit(benchmark::kMicrosecond);
    if (ipc_case.mode == Mode::latency)
        registered->Iterations(static_cast<benchmark::IterationCount>(
            ipc_case.payload_bytes >= large_payload_bytes ? std::min(options.round_trips, large_payload_round_trips)
                                                          : options.round_trips));
    else registered->MinTime(ipc_min_time);
}

}  // namespace

void register_ipc_benchmarks(const SuiteOptions& options) {
    constexpr Mechanism queue_mechanisms[] = {Mechanism::mutex_cv, Mechanism::spsc, Mechanism::posix_mq,
                                              Mechanism::bip_mq, Mechanism::shm_ring};
    constexpr Mechanism pipe_mechanisms[] = {Mechanism::pipe, Mechanism::socketpair};
    for (Mode mode : {Mode::latency, Mode::throughput})
        for (std::size_t bytes : message_sizes)
            for (Placement placement : placements) {
                // By default, ends on two CPUs at every size, the other placements at 8 bytes
                // (what the report and the table show); --full_grid: all of them.
                if (!options.full_grid && placement != Placement::cross && bytes != 8) continue;
                for (Backend backend : options.backends(default_backends)) {
                    for (Mechanism mechanism : queue_mechanisms) {
                        if (!available(mechanism, shares_address_space(backend))) continue;
                        if (offers_wait_modes(mechanism)) {
                            for (WaitMode wait : {WaitMode::spin, WaitMode::block})
                                register_case({"queue", backend, mechanism, wait, bytes, placement, mode}, options);
                        } else {
                            const WaitMode wait = mechanism == Mechanism::spsc ? WaitMode::spin : WaitMode::block;
                            register_case({"queue", backend, mechanism, wait, bytes, placement, mode}, options);
                        }
                    }
                    for (Mechanism mechanism : pipe_mechanisms)
                        register_case({"pipe", backend, mechanism, WaitMode::block, bytes, placement, mode}, options);
                }
            }

    for (Placement placement : placements)
        benchmark::RegisterBenchmark(BenchmarkName("ipc_baseline", "thread")
                                         .word("atomic_pingpong")
                                         .param("bytes", sizeof(std::uint64_t))
                                         .param("cpus", to_string(placement))
                                         .word("latency")
                                         .str()
                                         .c_str(),
                                     atomic_pingpong, placement)
            ->UseRealTime()
            ->Unit(benchmark::kMicrosecond)
            ->MinTime(ipc_min_time);
    for (std::size_t bytes : message_sizes)
        benchmark::RegisterBenchmark(BenchmarkName("ipc_baseline", "thread")
                                         .word("memcpy")
                                         .param("bytes", bytes)
                                         .param("cpus", to_string(Placement::any))
                                         .word("throughput")
                                         .str()
                                         .c_str(),
                                     memcpy_bandwidth, bytes)
            ->Unit(benchmark::kMicrosecond)
            ->MinTime(ipc_min_time);
}

}  // namespace tvp::bench
