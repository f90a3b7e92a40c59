#pragma once
// What a pool's parent and its workers say to each other: a task (run
// nothing, sum the squares of a range, crash, or a workload's task: a range and
// a payload) and its result, each one message of the suite's framing (an
// ipc::MessageHeader, fixed fields, then any payload), so that every
// byte-stream and ring mechanism carries them unchanged.
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "ipc/message.hpp"
#include "sumsq/sumsq.hpp"

namespace tvp::pool {

enum class TaskKind : std::uint32_t {
    empty = 1,  // returns 0: the cost of dispatch alone
    sumsq = 2,  // the sum of i*i over the range
    crash = 3,  // a process worker aborts; a thread worker throws (it cannot crash alone)
    // The sum of i*i over the range, and the task's payload sent back
    // transformed (transform_payload): the worker reads every byte it got.
    workload = 4,
};

struct PoolTask {
    TaskKind kind = TaskKind::empty;
    IndexRange range{};
    std::span<const std::byte> payload{};  // workload only: sent after the fixed fields
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

// The largest message of either direction without a payload; a link's limit
// is this plus the largest payload its tasks carry.
inline constexpr std::size_t max_pool_message_bytes = sizeof(TaskRequest) > sizeof(TaskReply) ? sizeof(TaskRequest)
                                                                                              : sizeof(TaskReply);

// The sum of squares over [0, n) as tasks of `chunk` elements (the last one
// takes what is left). Requires chunk >= 1.
std::vector<PoolTask> sumsq_tasks(std::uint64_t n, std::uint64_t chunk);

// Each writes the message into `buffer` (reused: it grows to the largest) and
// returns it. A reply's payload is written by `fill_payload(span)` after the
// fixed fields, so a worker builds it in place.
std::span<const std::byte> encode_request(std::vector<std::byte>& buffer, std::uint64_t sequence, const PoolTask& task);
std::span<const std::byte> encode_reply(std::vector<std::byte>& buffer, std::uint64_t sequence, uint128 value,
                                        std::size_t payload_bytes = 0,
                                        const std::function<void(std::span<std::byte>)>& fill_payload = {});

// Both throw std::runtime_error for a message of the wrong size, kind or
// payload length, or (a request) an unknown task, a range no run can have, or
// a payload on a task that takes none. Payloads are views into `message`.
struct DecodedRequest {
    std::uint64_t sequence;
    PoolTask task;
};
DecodedRequest decode_request(std::span<const std::byte> message);
struct DecodedReply {
    std::uint64_t sequence;
    std::int64_t sent_ns;
    uint128 value;
    std::span<const std::byte> payload;
};
DecodedReply decode_reply(std::span<const std::byte> message);

// What a workload task's worker sends back: every byte of what it got, XORed
// with a key drawn from the task's sequence number (so a reply cannot be
// another task's, nor the request echoed). `out` has the size of `in`.
void transform_payload(std::span<const std::byte> in, std::uint64_t sequence, std::span<std::byte> out);
// Whether `reply` is transform_payload of `sent` for that task.
bool is_transformed_payload(std::span<const std::byte> sent, std::uint64_t sequence, std::span<const std::byte> reply);

}  // namespace tvp::pool
