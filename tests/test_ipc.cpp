#include <gtest/gtest.h>
#include <mqueue.h>

#include <chrono>
#include <csignal>
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <thread>

#include "ipc/affinity.hpp"
#include "ipc/message.hpp"
#include "ipc/peer_session.hpp"
#include "ipc/shm_ring_layout.hpp"
#include "test_support.hpp"

namespace tvp::ipc {
namespace {

// ---- framing ----

TEST(Message, RoundTripsThroughTheChecker) {
    for (std::size_t bytes : {0, 3, 8, 13, 4096}) {
        MessageWriter writer(bytes);
        MessageChecker checker(bytes);
        for (std::uint64_t sequence = 0; sequence < 3; ++sequence) {
            auto message = writer.next(sequence);
            EXPECT_EQ(checker.check(message).sequence, sequence) << bytes;
        }
    }
}

TEST(Message, DetectsCorruptionLossAndWrongSize) {
    MessageWriter writer(64);
    auto copy = [](std::span<const std::byte> message) {
        return std::vector<std::byte>(message.begin(), message.end());
    };
    {
        MessageChecker checker(64);
        auto message = copy(writer.next(0));
        message[40] ^= std::byte{1};
        EXPECT_THROW(checker.check(message), std::runtime_error);
    }
    {
        MessageChecker checker(64);
        checker.check(writer.next(0));
        EXPECT_THROW(checker.check(writer.next(2)), std::runtime_error);  // 1 was lost
    }
    {
        MessageChecker checker(32);
        EXPECT_THROW(checker.check(writer.next(0)), std::runtime_error);
    }
}

// ---- every mechanism on every back-end that offers it ----

struct IpcParam {
    Backend backend;
    Mechanism mechanism;
    WaitMode wait;
};

std::string param_name(const ::testing::TestParamInfo<IpcParam>& info) {
    return std::string(to_string(info.param.backend)) + "_" + std::string(to_string(info.param.mechanism)) + "_" +
           std::string(to_string(info.param.wait));
}

std::vector<IpcParam> all_links() {
    std::vector<IpcParam> params;
    for (Backend backend : all_backends)
        for (Mechanism mechanism : {Mechanism::pipe, Mechanism::socketpair, Mechanism::posix_mq, Mechanism::bip_mq,
                                    Mechanism::shm_ring, Mechanism::mutex_cv, Mechanism::spsc}) {
            if (!available(mechanism, shares_address_space(backend))) continue;
            if (offers_wait_modes(mechanism)) {
                params.push_back({backend, mechanism, WaitMode::spin});
                params.push_back({backend, mechanism, WaitMode::block});
            } else {
                params.push_back({backend, mechanism, mechanism == Mechanism::spsc ? WaitMode::spin : WaitMode::block});
            }
        }
    return params;
}

class IpcTest : public testing::LeakCheckedTest, public ::testing::WithParamInterface<IpcParam> {
protected:
    SessionOptions options(PeerRole role, std::size_t bytes, std::uint64_t ack_every = 1) const {
        return {.backend = GetParam().backend,
                .mechanism = GetParam().mechanism,
                .wait = GetParam().wait,
                .peer = {.role = role, .payload_bytes = bytes, .ack_every = ack_every, .cpu = -1}};
    }
    std::vector<std::size_t> sizes() const {
        std::vector<std::size_t> all{8, 64, 4096, 65536, 1 << 20};
        if (GetParam().mechanism == Mechanism::posix_mq) all.resize(3);  // msgsize_max is 8192 on this kind of machine
        return all;
    }
    void TearDown() override {
        testing::LeakCheckedTest::TearDown();
        // POSIX queues do not show in /dev/shm: check the names the peer was given.
        for (const std::string& name : queue_names) {
            const mqd_t queue = ::mq_open(name.c_str(), O_RDONLY);
            EXPECT_EQ(queue, static_cast<mqd_t>(-1)) << name << " was left behind";
            if (queue != static_cast<mqd_t>(-1)) ::mq_close(queue);
        }
    }
    void remember_queue_names(const PeerSession& session) {
        const auto& args = session.peer_endpoint_arguments();
        if (!args.empty() && args[0] == "posix_mq")
            queue_names.insert(queue_names.end(), args.begin() + 1, args.begin() + 3);
    }
    std::vector<std::string> queue_names;
};

TEST_P(IpcTest, StreamedMessagesArriveInOrderAndIntact) {
    for (std::size_t bytes : sizes()) {
        constexpr std::uint64_t count = 20, ack_every = 5;
        PeerSession session(options(PeerRole::consume, bytes, ack_every));
        remember_queue_names(session);
        MessageWriter writer(bytes);
        for (std::uint64_t sequence = 0; sequence < count; ++sequence) {
            session.endpoint().send(writer.next(sequence));
            if ((sequence + 1) % ack_every == 0) {
                const auto ack = session.endpoint().receive();
                ASSERT_FALSE(ack.empty()) << bytes;
                EXPECT_EQ(read_header(ack).kind, MessageHeader::ack);
                EXPECT_EQ(read_header(ack).sequence, sequence + 1) << "the consumer verified every message so far";
            }
        }
        session.finish();  // end of stream reaches the consumer, which exits cleanly
    }
}

TEST_P(IpcTest, EchoedMessagesComeBackInOrderAndIntact) {
    for (std::size_t bytes : sizes()) {
        PeerSession session(options(PeerRole::echo, bytes));
        remember_queue_names(session);
        MessageWriter writer(bytes);
        MessageChecker checker(bytes);
        for (std::uint64_t sequence = 0; sequence < 10; ++sequence) {
            session.endpoint().send(writer.next(sequence));
            const auto reply = session.endpoint().receive();
            ASSERT_FALSE(reply.empty()) << bytes << " bytes, message " << sequence;
            EXPECT_EQ(checker.check(reply).sequence, sequence);
        }
        session.finish();
    }
}

// Names live only until the peer has opened the objects: once the session is
// up, nothing of it is left in /dev/shm or among the POSIX queues, whatever
// happens to either process later; and the link still works.
TEST_P(IpcTest, NamesAreGoneOnceThePeerIsConnected) {
    PeerSession session(options(PeerRole::echo, 8));
    const auto& args = session.peer_endpoint_arguments();
    const std::string mechanism = args.empty() ? "" : args[0];
    if (mechanism == "posix_mq") {
        for (const std::string& name : {args[1], args[2]}) {
            const mqd_t queue = ::mq_open(name.c_str(), O_RDONLY);
            EXPECT_EQ(queue, static_cast<mqd_t>(-1)) << name << " still exists";
            if (queue != static_cast<mqd_t>(-1)) ::mq_close(queue);
        }
    } else if (mechanism == "bip_mq") {
        EXPECT_FALSE(std::filesystem::exists("/dev/shm/" + args[1])) << args[1];
        EXPECT_FALSE(std::filesystem::exists("/dev/shm/" + args[2])) << args[2];
    } else if (mechanism == "shm_ring") {
        EXPECT_FALSE(std::filesystem::exists("/dev/shm" + args[1])) << args[1];
    }
    EXPECT_TRUE(testing::own_segments().empty());
    MessageWriter writer(8);
    MessageChecker checker(8);
    session.endpoint().send(writer.next(0));
    const auto reply = session.endpoint().receive();
    ASSERT_FALSE(reply.empty());
    EXPECT_EQ(checker.check(reply).sequence, 0u);
    session.finish();
}

TEST_P(IpcTest, ACorruptedMessageMakesThePeerFailAndSaySo) {
    PeerSession session(options(PeerRole::consume, 64, 1));
    remember_queue_names(session);
    MessageWriter writer(64);
    std::vector<std::byte> message(writer.next(0).begin(), writer.next(0).end());
    message.back() ^= std::byte{0xff};
    session.endpoint().send(message);
    EXPECT_THROW(session.finish(), std::runtime_error);
}

// Peers that are processes, which can be killed alone.
using IpcProcessPeerTest = IpcTest;

TEST_P(IpcProcessPeerTest, AKilledPeerIsAnErrorWithinSeconds) {
    PeerSession session(options(PeerRole::consume, 4096, 1'000'000));
    remember_queue_names(session);
    ::kill(*session.peer_pid(), SIGKILL);
    const auto start = std::chrono::steady_clock::now();
    MessageWriter writer(4096);
    try {
        // More than any mechanism buffers: the producer must notice the death.
        for (std::uint64_t sequence = 0; sequence < 100'000; ++sequence) session.endpoint().send(writer.next(sequence));
        FAIL() << "sending to a dead consumer did not fail";
    } catch (const std::exception& error) {
        const std::string what = error.what();
        EXPECT_TRUE(what.find("peer") != std::string::npos || what.find("Broken pipe") != std::string::npos) << what;
    }
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

std::vector<IpcParam> process_links() {
    std::vector<IpcParam> params;
    for (const IpcParam& param : all_links())
        if (param.backend != Backend::thread) params.push_back(param);
    return params;
}

INSTANTIATE_TEST_SUITE_P(AllMechanisms, IpcTest, ::testing::ValuesIn(all_links()), param_name);
INSTANTIATE_TEST_SUITE_P(ProcessPeers, IpcProcessPeerTest, ::testing::ValuesIn(process_links()), param_name);

// The ring's consumer looks at the line where the next frame will start before
// the producer writes it. Built here: line 1 starts with old payload (from a
// 100-line frame a lap ago) whose first word equals the very sequence number
// the consumer waits for next. It must not pass for a stamp: with no producer
// left, the consumer must report the dead peer rather than return a message.
TEST(ShmRing, StalePayloadIsNeverTakenForAFrameStamp) {
    bool producer_alive = true;
    Link link = make_link({.mechanism = Mechanism::shm_ring, .wait = WaitMode::spin, .max_message_bytes = 0}, {});
    auto consumer = open_peer_endpoint(link.peer_arguments, [&] { return producer_alive; });
    // Frame 1 covers lines 0..99; frames 2..N-99 take one line each up to the
    // ring's end; the next lap starts with a one-line frame at line 0, after
    // which the consumer waits for frame N-97 at line 1.
    const std::uint64_t awaited = ring::lines - 97;
    // Every line of it starts like a finished one-fragment frame of 8 bytes
    // stamped `awaited` (stamp word, then body length 8 and flags "last").
    std::vector<std::uint64_t> big((100 * ring::line_bytes - ring::frame_header_bytes) / 8);
    for (std::size_t w = 0; w < big.size(); ++w) big[w] = w % 2 == 0 ? awaited : (std::uint64_t{1} << 32) | 8;
    std::vector<std::uint64_t> small(1, 7);
    auto send_and_receive = [&](const std::vector<std::uint64_t>& words) {
        link.parent->send(std::as_bytes(std::span(words)));
        const auto received = consumer->receive();
        ASSERT_EQ(received.size(), words.size() * 8);
    };
    send_and_receive(big);
    for (std::uint64_t line = 100; line <= ring::lines; ++line)
        send_and_receive(small);  // the last one lands on line 0
    producer_alive = false;
    EXPECT_THROW(consumer->receive(), std::runtime_error);
}

TEST(Mechanisms, PosixQueuesRefuseMessagesAboveTheLimitWithAClearError) {
    try {
        PeerSession session({.backend = Backend::fork,
                             .mechanism = Mechanism::posix_mq,
                             .wait = WaitMode::block,
                             .peer = {.role = PeerRole::echo, .payload_bytes = 1 << 20, .ack_every = 1, .cpu = -1}});
        GTEST_SKIP() << "this machine allows 1 MiB POSIX messages";
    } catch (const std::system_error& error) {
        EXPECT_NE(std::string(error.what()).find("msgsize_max"), std::string::npos) << error.what();
    }
    EXPECT_TRUE(testing::own_segments().empty());
}

TEST(Placement, PinsAndRestores) {
    cpu_set_t before;
    ASSERT_EQ(::sched_getaffinity(0, sizeof before, &before), 0);
    {
        ScopedPin pin(0);
        EXPECT_EQ(usable_cpus(), 1);
    }
    cpu_set_t after;
    ASSERT_EQ(::sched_getaffinity(0, sizeof after, &after), 0);
    EXPECT_TRUE(CPU_EQUAL(&before, &after));
}

}  // namespace
}  // namespace tvp::ipc
