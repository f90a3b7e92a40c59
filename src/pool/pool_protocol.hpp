#pragma once
// What a pool's parent and its workers say to each other: a task (run
// nothing, sum the squares of a range, or crash) and its result, each one
// message of the suite's framing (an ipc::MessageHeader and a fixed payload),
// so that every byte-stream and ring mechanism carries them unchanged.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "ipc/message.hpp"
#include "sumsq/sumsq.hpp"

namespace tvp::pool {

enum class TaskKind : std::uint32_t {
    empty = 1,  // returns 0: the cost of dispatch alone
    sumsq = 2,  // the sum of i*i over the range
    crash = 3,  // a process worker aborts; a thread worker throws (it cannot crash alone)
};

struct PoolTask {
    TaskKind kind = TaskKind::empty;
    IndexRange range{};
};

struct TaskRequest {
    ipc::MessageHeader header;  // sequence: the task's number; payload_bytes: sizeof the rest
    std::uint32_t kind = 0;
    std::uint32_t reserved = 0;
    std::uint64_t begin = 0;
    std::uint64_t end = 0;
};

struct TaskReply {
    ipc::MessageHeader header;  // sequence: the task's number; sent_ns: when the worker answered
    std::uint64_t low = 0;      // the result, 128 bits
    std::uint64_t high = 0;
};

// The largest message of either direction, for the link's limit.
inline constexpr std::size_t max_pool_message_bytes = sizeof(TaskRequest) > sizeof(TaskReply) ? sizeof(TaskRequest)
                                                                                              : sizeof(TaskReply);

// The sum of squares over [0, n) as tasks of `chunk` elements (the last one
// takes what is left). Requires chunk >= 1.
std::vector<PoolTask> sumsq_tasks(std::uint64_t n, std::uint64_t chunk);

std::array<std::byte, sizeof(TaskRequest)> encode_request(std::uint64_t sequence, const PoolTask& task);
std::array<std::byte, sizeof(TaskReply)> encode_reply(std::uint64_t sequence, uint128 value);

// Both throw std::runtime_error for a message of the wrong size, kind or
// payload length, or (a request) an unknown task or a range no run can have.
struct DecodedRequest {
    std::uint64_t sequence;
    PoolTask task;
};
DecodedRequest decode_request(std::span<const std::byte> message);
struct DecodedReply {
    std::uint64_t sequence;
    std::int64_t sent_ns;
    uint128 value;
};
DecodedReply decode_reply(std::span<const std::byte> message);

}  // namespace tvp::pool
