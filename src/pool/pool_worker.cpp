#include "pool/pool_worker.hpp"

#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

#include "ipc/affinity.hpp"
#include "ipc/message.hpp"
#include "os/arguments.hpp"
#include "os/resource_usage.hpp"
#include "pool/pool_protocol.hpp"

namespace tvp::pool {

namespace {

uint128 run_task(const PoolTask& task, const WorkerOptions& options) {
    switch (task.kind) {
        case TaskKind::empty: return 0;
        case TaskKind::sumsq:
        case TaskKind::workload: return sum_of_squares(task.range.begin, task.range.end);
        case TaskKind::crash:
            if (options.is_process) {
                disable_core_dumps();
                std::abort();
            }
            throw std::runtime_error("the crash task ended this thread worker");
    }
    throw std::runtime_error("pool: unknown task kind");
}

void serve(ipc::Endpoint& endpoint, const WorkerOptions& options) {
    std::vector<std::byte> reply;
    for (auto message = endpoint.receive(); !message.empty(); message = endpoint.receive()) {
        const DecodedRequest request = decode_request(message);
        const uint128 value = run_task(request.task, options);
        const std::span<const std::byte> payload = request.task.payload;
        endpoint.send(encode_reply(reply, request.sequence, value, payload.size(), [&](std::span<std::byte> out) {
            transform_payload(payload, request.sequence, out);
        }));
    }
}

}  // namespace

int run_pool_worker(ipc::Endpoint& endpoint, const WorkerOptions& options) {
    return ipc::work_then_close_sending(endpoint, [&] {
        ipc::pin_current_thread(options.cpu);
        endpoint.send(ipc::MessageWriter(0).next(0, ipc::MessageHeader::ack));  // the ready message
        serve(endpoint, options);
    });
}

std::vector<std::string> PoolWorkerTask::to_args() const {
    std::vector<std::string> args{std::to_string(cpu), std::to_string(parent)};
    args.insert(args.end(), endpoint.begin(), endpoint.end());
    return args;
}

PoolWorkerTask PoolWorkerTask::from_args(std::span<const std::string> args) {
    if (args.size() < 3) throw std::invalid_argument("pool_worker needs <cpu> <parent pid> <endpoint...>");
    return {.cpu = integer_argument<int>(args, 0, "cpu"),
            .parent = integer_argument<pid_t>(args, 1, "parent pid"),
            .endpoint = {args.begin() + 2, args.end()}};
}

int PoolWorkerTask::run() const {
    const pid_t expected_parent = parent;
    auto opened = ipc::open_peer_endpoint(endpoint, [expected_parent] { return ::getppid() == expected_parent; });
    return run_pool_worker(*opened, {.cpu = cpu, .is_process = true});
}

}  // namespace tvp::pool
