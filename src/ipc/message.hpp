#pragma once
// What travels through every IPC mechanism: a 32-byte header (sequence number,
// send timestamp, payload checksum) and a payload of the benchmark's size. The
// receiver checks that each message arrives exactly once, in order, intact.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "os/clock.hpp"  // the header's sent_ns

namespace tvp::ipc {

struct MessageHeader {
    enum Kind : std::uint32_t { data = 1, end_of_stream = 2, ack = 3 };
    std::uint64_t sequence = 0;
    std::int64_t sent_ns = 0;    // CLOCK_MONOTONIC, comparable across processes
    std::uint64_t checksum = 0;  // of the payload (payload_checksum)
    std::uint32_t payload_bytes = 0;
    std::uint32_t kind = data;
};
static_assert(sizeof(MessageHeader) == 32);

// Sum of the payload's 64-bit words (and its tail bytes): cheap, and a changed,
// lost or reordered word changes it.
std::uint64_t payload_checksum(std::span<const std::byte> payload);

// Builds messages of one payload size in a reused buffer: the payload is a fixed
// pattern whose first word is the sequence number, so each message differs and
// its checksum costs O(1) to produce (but O(size) to verify).
class MessageWriter {
public:
    explicit MessageWriter(std::size_t payload_bytes);
    // The whole message (header + payload) for this sequence number, stamped now.
    std::span<const std::byte> next(std::uint64_t sequence, MessageHeader::Kind kind = MessageHeader::data);

private:
    std::vector<std::byte> buffer_;
    std::uint64_t checksum_without_sequence_ = 0;
};

// Checks the messages of one stream: the right kind and size, the next sequence
// number, an intact payload. Throws std::runtime_error saying what was wrong.
class MessageChecker {
public:
    explicit MessageChecker(std::size_t payload_bytes) : payload_bytes_(payload_bytes) {}
    // Returns the header of a verified data message.
    MessageHeader check(std::span<const std::byte> message);
    std::uint64_t next_sequence() const { return next_sequence_; }

private:
    std::size_t payload_bytes_;
    std::uint64_t next_sequence_ = 0;
};

MessageHeader read_header(std::span<const std::byte> message);

}  // namespace tvp::ipc
