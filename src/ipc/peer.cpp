#include "ipc/peer.hpp"

#include <unistd.h>

#include <cstring>

#include "ipc/affinity.hpp"
#include "ipc/message.hpp"
#include "launch/task_registry.hpp"

namespace tvp::ipc {

namespace {

void serve(Endpoint& endpoint, const PeerOptions& options) {
    MessageChecker checker(options.payload_bytes);
    MessageWriter writer(options.role == PeerRole::echo ? options.payload_bytes : 0);
    for (auto message = endpoint.receive(); !message.empty(); message = endpoint.receive()) {
        const MessageHeader header = checker.check(message);
        if (options.role == PeerRole::echo) {
            endpoint.send(writer.next(header.sequence));
        } else if (checker.next_sequence() % options.ack_every == 0) {
            endpoint.send(writer.next(checker.next_sequence(), MessageHeader::ack));
        }
    }
}

// The first message: an acknowledgement of no message (is_ready_message).
void announce_ready(Endpoint& endpoint) { endpoint.send(MessageWriter(0).next(0, MessageHeader::ack)); }

}  // namespace

bool is_ready_message(std::span<const std::byte> message) {
    if (message.size() != sizeof(MessageHeader)) return false;
    const MessageHeader header = read_header(message);
    return header.kind == MessageHeader::ack && header.sequence == 0 && header.payload_bytes == 0;
}

int run_peer(Endpoint& endpoint, const PeerOptions& options) {
    try {
        pin_current_thread(options.cpu);
        announce_ready(endpoint);
        serve(endpoint, options);
    } catch (...) {
        endpoint.close_sending();
        throw;
    }
    endpoint.close_sending();
    return 0;
}

std::vector<std::string> peer_task_arguments(const PeerOptions& options, pid_t parent,
                                             const std::vector<std::string>& endpoint_arguments) {
    std::vector<std::string> args{options.role == PeerRole::echo ? "echo" : "consume",
                                  std::to_string(options.payload_bytes), std::to_string(options.ack_every),
                                  std::to_string(options.cpu), std::to_string(parent)};
    args.insert(args.end(), endpoint_arguments.begin(), endpoint_arguments.end());
    return args;
}

int ipc_peer_task(std::span<const std::string> args) {
    if (args.size() < 6) throw std::invalid_argument("ipc_peer needs <role> <bytes> <ack_every> <cpu> <parent> <endpoint...>");
    const PeerOptions options{.role = args[0] == "echo" ? PeerRole::echo : PeerRole::consume,
                              .payload_bytes = integer_argument<std::size_t>(args, 1, "payload bytes"),
                              .ack_every = integer_argument<std::uint64_t>(args, 2, "ack every"),
                              .cpu = integer_argument<int>(args, 3, "cpu")};
    if (options.ack_every == 0) throw std::invalid_argument("ack_every must be at least 1");
    const auto parent = integer_argument<pid_t>(args, 4, "parent pid");
    auto endpoint = open_peer_endpoint(args.subspan(5), [parent] { return ::getppid() == parent; });
    return run_peer(*endpoint, options);
}

}  // namespace tvp::ipc
