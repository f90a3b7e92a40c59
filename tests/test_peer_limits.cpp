// Lengths, counts and indices that come from a peer are checked against the
// run's limits before use: a corrupt value is a clear error, never a crash or
// a huge allocation.
#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <string>

#include "ipc/endpoint.hpp"
#include "ipc/message.hpp"
#include "ipc/shm_ring_layout.hpp"
#include "launch/launcher.hpp"
#include "sumsq/partial_sum.hpp"
#include "os/shared_memory.hpp"
#include "sumsq/sumsq.hpp"
#include "task/task_registry.hpp"
#include "task/typed_task.hpp"
#include "test_support.hpp"

namespace tvp::ipc {
namespace {

using PeerLimitsTest = testing::LeakCheckedTest;

constexpr std::size_t payload_limit = 64;
constexpr std::size_t message_limit_bytes = sizeof(MessageHeader) + payload_limit;

std::string error_of(Endpoint& endpoint) {
    try {
        endpoint.receive();
    } catch (const std::exception& error) {
        return error.what();
    }
    return "no error";
}

// A header announcing `payload_bytes`, and no payload after it.
void send_bare_header(Endpoint& endpoint, std::uint32_t payload_bytes) {
    MessageHeader header;
    header.payload_bytes = payload_bytes;
    endpoint.send(std::as_bytes(std::span(&header, 1)));
    endpoint.close_sending();
}

TEST_F(PeerLimitsTest, APipeMessageLongerThanTheLinksLimitIsRefusedBeforeAnyAllocation) {
    for (PipeKind kind : {PipeKind::posix, PipeKind::boost}) {
        Link link =
            make_link({.mechanism = Mechanism::pipe, .max_message_bytes = message_limit_bytes, .pipe_kind = kind}, {});
        send_bare_header(*link.peer, 1 << 20);
        const std::string error = error_of(*link.parent);
        EXPECT_NE(error.find("a payload of 1048576 bytes, above the link's limit of 64"), std::string::npos)
            << (kind == PipeKind::posix ? "pipe2" : "boost::process::pipe") << ": " << error;
    }
}

TEST_F(PeerLimitsTest, ASocketpairMessageLongerThanAnyLinkTakesIsRefused) {
    // The factory has no size from make_link() yet: the limit for links made without one.
    Link link = make_link({.mechanism = Mechanism::socketpair}, {});
    send_bare_header(*link.peer, 64 << 20);
    const std::string error = error_of(*link.parent);
    EXPECT_NE(error.find("above the link's limit"), std::string::npos) << error;
}

TEST_F(PeerLimitsTest, ASpawnedPeersEndpointTakesItsLimitFromItsArguments) {
    Link link = make_link({.mechanism = Mechanism::pipe, .max_message_bytes = message_limit_bytes}, {});
    ASSERT_EQ(link.peer_arguments.size(), 4u);
    EXPECT_EQ(link.peer_arguments[3], std::to_string(message_limit_bytes));
    // Refused before any descriptor is taken over (-1 and 999 are not ours to close).
    EXPECT_THROW(open_peer_endpoint(std::vector<std::string>{"pipe", "-1", "999", "96"}, {}), std::invalid_argument);
    EXPECT_THROW(open_peer_endpoint(std::vector<std::string>{"pipe", "998", "999", "8"}, {}), std::invalid_argument);
    EXPECT_THROW(open_peer_endpoint(std::vector<std::string>{"socketpair", "999"}, {}), std::invalid_argument);
}

// The ring's frames, written here by hand as a corrupt peer would: the peer's
// side reads direction 0, starting at line 0 with sequence number 1.
class RingLimitsTest : public PeerLimitsTest {
protected:
    void SetUp() override {
        link_ = make_link(
            {.mechanism = Mechanism::shm_ring, .wait = WaitMode::block, .max_message_bytes = message_limit_bytes}, {});
        segment_ = std::make_unique<SharedMemory>(SharedMemory::open_named(link_.peer_arguments[1]));
    }
    void TearDown() override {
        segment_.reset();
        link_ = {};
        PeerLimitsTest::TearDown();
    }
    void publish(std::uint32_t body_bytes, std::uint32_t flags) {
        ring::Line& line = segment_->as<ring::SegmentLayout>()->lines[0][0];
        line.body_bytes = body_bytes;
        line.flags = flags;
        line.stamp.store(1, std::memory_order_release);
    }
    std::string receive_error() { return error_of(*link_.peer); }

    Link link_;
    std::unique_ptr<SharedMemory> segment_;
};

TEST_F(RingLimitsTest, AFrameBodyBeyondTheRingIsCorrupt) {
    publish(std::numeric_limits<std::uint32_t>::max(), ring::last_fragment);
    const std::string error = receive_error();
    EXPECT_NE(error.find("corrupt frame: a body of 4294967295 bytes at line 0 does not fit the ring"),
              std::string::npos)
        << error;
}

TEST_F(RingLimitsTest, AFragmentBeyondTheRingIsCorruptNotCopied) {
    publish(std::numeric_limits<std::uint32_t>::max(), 0);  // "more follows": would be copied out
    EXPECT_NE(receive_error().find("corrupt frame"), std::string::npos);
}

TEST_F(RingLimitsTest, AMessageLongerThanTheLinksLimitIsRefused) {
    publish(message_limit_bytes + 1, ring::last_fragment);
    const std::string error = receive_error();
    EXPECT_NE(error.find("a message of more than 96 bytes, the link's limit"), std::string::npos) << error;
}

TEST_F(RingLimitsTest, UnknownFrameFlagsAreCorrupt) {
    publish(8, ring::last_fragment | 0x80);
    EXPECT_NE(receive_error().find("corrupt frame: unknown flags"), std::string::npos);
}

TEST_F(RingLimitsTest, AWellFormedFrameStillArrives) {
    publish(8, ring::last_fragment);
    EXPECT_EQ(link_.peer->receive().size(), 8u);
}

// A spawned sumsq worker finds its slot by index in a named segment: an index
// whose byte offset overflows must not pass for one inside it.
TEST_F(PeerLimitsTest, ASumsqWorkerRefusesASlotOrRangeOutsideTheRun) {
    SharedMemory slots = SharedMemory::create_named(2 * sizeof(PartialSum));
    const Launcher launcher(Backend::posix_spawn);
    auto run = [&](std::size_t slot, std::uint64_t begin, std::uint64_t end) {
        return launcher
            .start(named_task(SumsqPartialTask{.segment = slots.name(), .slot = slot, .range = {begin, end}}))
            ->join();
    };
    EXPECT_EQ(run(1, 0, 100), ExitStatus::exited(0));
    // (2^58 - 1 + 1) * 64 wraps to 0: the offset check let it through, 64 bytes before the segment.
    EXPECT_EQ(run((std::size_t{1} << 58) - 1, 0, 100), ExitStatus::exited(exit_task_threw));
    EXPECT_EQ(run(2, 0, 100), ExitStatus::exited(exit_task_threw));
    EXPECT_EQ(run(0, 100, 10), ExitStatus::exited(exit_task_threw)) << "begin after end";
    const std::uint64_t max_n = max_sum_of_squares_n();
    EXPECT_EQ(run(0, max_n, max_n + 1), ExitStatus::exited(exit_task_threw)) << "a sum beyond 128 bits";
}

}  // namespace
}  // namespace tvp::ipc
