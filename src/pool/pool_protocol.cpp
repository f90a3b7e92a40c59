#include "pool/pool_protocol.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

namespace tvp::pool {

namespace {

ipc::MessageHeader header_for(std::uint64_t sequence, std::size_t message_bytes) {
    return {.sequence = sequence,
            .sent_ns = monotonic_ns(),
            .checksum = 0,
            .payload_bytes = static_cast<std::uint32_t>(message_bytes - sizeof(ipc::MessageHeader)),
            .kind = ipc::MessageHeader::data};
}

// The message as T, after checking its size and header (it comes from the other side).
template <class T>
T read_message(std::span<const std::byte> message, const char* what) {
    T value;
    if (message.size() != sizeof value)
        throw std::runtime_error(std::string("pool: a ") + what + " of " + std::to_string(message.size()) +
                                 " bytes, expected " + std::to_string(sizeof value));
    std::memcpy(&value, message.data(), sizeof value);
    if (value.header.kind != ipc::MessageHeader::data ||
        value.header.payload_bytes != sizeof value - sizeof(ipc::MessageHeader))
        throw std::runtime_error(std::string("pool: a malformed ") + what);
    return value;
}

template <class T>
std::array<std::byte, sizeof(T)> bytes_of(const T& value) {
    std::array<std::byte, sizeof(T)> bytes;
    std::memcpy(bytes.data(), &value, sizeof value);
    return bytes;
}

}  // namespace

std::vector<PoolTask> sumsq_tasks(std::uint64_t n, std::uint64_t chunk) {
    if (chunk == 0) throw std::invalid_argument("a task needs at least one element");
    std::vector<PoolTask> tasks;
    tasks.reserve(n / chunk + 1);
    for (std::uint64_t begin = 0; begin < n; begin += std::min(chunk, n - begin))
        tasks.push_back({TaskKind::sumsq, {begin, begin + std::min(chunk, n - begin)}});
    return tasks;
}

std::array<std::byte, sizeof(TaskRequest)> encode_request(std::uint64_t sequence, const PoolTask& task) {
    return bytes_of(TaskRequest{.header = header_for(sequence, sizeof(TaskRequest)),
                                .kind = static_cast<std::uint32_t>(task.kind),
                                .reserved = 0,
                                .begin = task.range.begin,
                                .end = task.range.end});
}

std::array<std::byte, sizeof(TaskReply)> encode_reply(std::uint64_t sequence, uint128 value) {
    return bytes_of(TaskReply{.header = header_for(sequence, sizeof(TaskReply)),
                              .low = static_cast<std::uint64_t>(value),
                              .high = static_cast<std::uint64_t>(value >> 64)});
}

DecodedRequest decode_request(std::span<const std::byte> message) {
    const auto request = read_message<TaskRequest>(message, "task request");
    const auto kind = static_cast<TaskKind>(request.kind);
    if (kind != TaskKind::empty && kind != TaskKind::sumsq && kind != TaskKind::crash)
        throw std::runtime_error("pool: unknown task kind " + std::to_string(request.kind));
    if (request.begin > request.end || request.end > max_sum_of_squares_n())
        throw std::runtime_error("pool: range [" + std::to_string(request.begin) + ", " + std::to_string(request.end) +
                                 ") is not one a run can have");
    return {request.header.sequence, {kind, {request.begin, request.end}}};
}

DecodedReply decode_reply(std::span<const std::byte> message) {
    const auto reply = read_message<TaskReply>(message, "task reply");
    return {reply.header.sequence, reply.header.sent_ns, (static_cast<uint128>(reply.high) << 64) | reply.low};
}

}  // namespace tvp::pool
