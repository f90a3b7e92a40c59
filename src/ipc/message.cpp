#include "ipc/message.hpp"

#include <time.h>

#include <cstring>
#include <stdexcept>
#include <string>

namespace tvp::ipc {

std::uint64_t payload_checksum(std::span<const std::byte> payload) {
    std::uint64_t sum = 0;
    const std::size_t words = payload.size() / 8;
    for (std::size_t i = 0; i < words; ++i) {
        std::uint64_t word;
        std::memcpy(&word, payload.data() + 8 * i, 8);
        sum += word;
    }
    for (std::size_t i = 8 * words; i < payload.size(); ++i)
        sum += static_cast<std::uint64_t>(payload[i]) << (8 * (i % 8));
    return sum;
}

MessageWriter::MessageWriter(std::size_t payload_bytes) : buffer_(sizeof(MessageHeader) + payload_bytes) {
    std::span<std::byte> payload(buffer_.data() + sizeof(MessageHeader), payload_bytes);
    for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::byte>((i * 131 + 7) & 0xff);
    if (payload.size() >= 8) std::memset(payload.data(), 0, 8);  // the sequence number's place
    checksum_without_sequence_ = payload_checksum(payload);
}

std::span<const std::byte> MessageWriter::next(std::uint64_t sequence, MessageHeader::Kind kind) {
    const std::size_t payload_bytes = buffer_.size() - sizeof(MessageHeader);
    std::byte* payload = buffer_.data() + sizeof(MessageHeader);
    MessageHeader header{.sequence = sequence,
                         .sent_ns = 0,
                         .checksum = 0,
                         .payload_bytes = static_cast<std::uint32_t>(payload_bytes),
                         .kind = kind};
    if (payload_bytes >= 8) {
        std::memcpy(payload, &sequence, 8);
        header.checksum = checksum_without_sequence_ + sequence;
    } else {
        header.checksum = payload_checksum({payload, payload_bytes});
    }
    header.sent_ns = monotonic_ns();
    std::memcpy(buffer_.data(), &header, sizeof header);
    return buffer_;
}

MessageHeader read_header(std::span<const std::byte> message) {
    if (message.size() < sizeof(MessageHeader))
        throw std::runtime_error("message of " + std::to_string(message.size()) + " bytes is shorter than a header");
    MessageHeader header;
    std::memcpy(&header, message.data(), sizeof header);
    return header;
}

MessageHeader MessageChecker::check(std::span<const std::byte> message) {
    const MessageHeader header = read_header(message);
    auto fail = [&](const std::string& what) {
        throw std::runtime_error("message " + std::to_string(next_sequence_) + ": " + what);
    };
    if (header.kind != MessageHeader::data) fail("unexpected kind " + std::to_string(header.kind));
    if (header.sequence != next_sequence_)
        fail("sequence " + std::to_string(header.sequence) + " arrived (lost, duplicated or reordered)");
    if (header.payload_bytes != payload_bytes_ || message.size() != sizeof(MessageHeader) + payload_bytes_)
        fail("payload of " + std::to_string(message.size() - sizeof(MessageHeader)) + " bytes, expected " +
             std::to_string(payload_bytes_));
    if (payload_checksum(message.subspan(sizeof(MessageHeader))) != header.checksum) fail("payload corrupted");
    ++next_sequence_;
    return header;
}

}  // namespace tvp::ipc
