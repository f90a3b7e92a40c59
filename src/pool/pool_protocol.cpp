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

// The fixed fields of a message as T, after checking its size and header (it
// comes from the other side); what follows them is the payload.
template <class T>
T read_fixed(std::span<const std::byte> message, const char* what) {
    T value;
    if (message.size() < sizeof value)
        throw std::runtime_error(std::string("pool: a ") + what + " of " + std::to_string(message.size()) +
                                 " bytes, expected at least " + std::to_string(sizeof value));
    std::memcpy(&value, message.data(), sizeof value);
    if (value.header.kind != ipc::MessageHeader::data ||
        value.header.payload_bytes != message.size() - sizeof(ipc::MessageHeader))
        throw std::runtime_error(std::string("pool: a malformed ") + what);
    return value;
}

// Sizes `buffer` for T and `payload_bytes` more, and writes T's fixed fields.
template <class T>
std::span<std::byte> write_fixed(std::vector<std::byte>& buffer, const T& value, std::size_t payload_bytes) {
    buffer.resize(sizeof value + payload_bytes);
    std::memcpy(buffer.data(), &value, sizeof value);
    return std::span(buffer).subspan(sizeof value);
}

std::byte payload_key(std::uint64_t sequence) {
    return static_cast<std::byte>(0xA5U ^ (sequence * 0x9E3779B97F4A7C15ULL >> 56));
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

std::span<const std::byte> encode_request(std::vector<std::byte>& buffer, std::uint64_t sequence,
                                          const PoolTask& task) {
    const std::size_t message_bytes = sizeof(TaskRequest) + task.payload.size();
    const std::span<std::byte> payload = write_fixed(buffer,
                                                     TaskRequest{.header = header_for(sequence, message_bytes),
                                                                 .kind = static_cast<std::uint32_t>(task.kind),
                                                                 .reserved = 0,
                                                                 .begin = task.range.begin,
                                                                 .end = task.range.end},
                                                     task.payload.size());
    if (!task.payload.empty()) std::memcpy(payload.data(), task.payload.data(), task.payload.size());
    return buffer;
}

std::span<const std::byte> encode_reply(std::vector<std::byte>& buffer, std::uint64_t sequence, uint128 value,
                                        std::size_t payload_bytes,
                                        const std::function<void(std::span<std::byte>)>& fill_payload) {
    const std::span<std::byte> payload =
        write_fixed(buffer,
                    TaskReply{.header = header_for(sequence, sizeof(TaskReply) + payload_bytes),
                              .low = static_cast<std::uint64_t>(value),
                              .high = static_cast<std::uint64_t>(value >> 64)},
                    payload_bytes);
    if (payload_bytes > 0) fill_payload(payload);
    return buffer;
}

DecodedRequest decode_request(std::span<const std::byte> message) {
    const auto request = read_fixed<TaskRequest>(message, "task request");
    const auto kind = static_cast<TaskKind>(request.kind);
    if (kind != TaskKind::empty && kind != TaskKind::sumsq && kind != TaskKind::crash && kind != TaskKind::workload)
        throw std::runtime_error("pool: unknown task kind " + std::to_string(request.kind));
    if (request.begin > request.end || request.end > max_sum_of_squares_n())
        throw std::runtime_error("pool: range [" + std::to_string(request.begin) + ", " + std::to_string(request.end) +
                                 ") is not one a run can have");
    const std::span<const std::byte> payload = message.subspan(sizeof request);
    if (!payload.empty() && kind != TaskKind::workload)
        throw std::runtime_error("pool: a task of kind " + std::to_string(request.kind) + " with a payload");
    return {request.header.sequence, {kind, {request.begin, request.end}, payload}};
}

DecodedReply decode_reply(std::span<const std::byte> message) {
    const auto reply = read_fixed<TaskReply>(message, "task reply");
    return {reply.header.sequence, reply.header.sent_ns, (static_cast<uint128>(reply.high) << 64) | reply.low,
            message.subspan(sizeof reply)};
}

void transform_payload(std::span<const std::byte> in, std::uint64_t sequence, std::span<std::byte> out) {
    if (out.size() != in.size()) throw std::invalid_argument("transform_payload: sizes differ");
    const std::byte key = payload_key(sequence);
    for (std::size_t i = 0; i < in.size(); ++i) out[i] = in[i] ^ key;
}

bool is_transformed_payload(std::span<const std::byte> sent, std::uint64_t sequence, std::span<const std::byte> reply) {
    if (reply.size() != sent.size()) return false;
    const std::byte key = payload_key(sequence);
    for (std::size_t i = 0; i < sent.size(); ++i)
        if (reply[i] != (sent[i] ^ key)) return false;
    return true;
}

}  // namespace tvp::pool
