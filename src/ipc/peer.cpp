#include "ipc/peer.hpp"

#include <unistd.h>

#include <cstring>
#include <stdexcept>

#include "ipc/affinity.hpp"
#include "ipc/message.hpp"
#include "os/arguments.hpp"

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
    return work_then_close_sending(endpoint, [&] {
        pin_current_thread(options.cpu);
        announce_ready(endpoint);
        serve(endpoint, options);
    });
}

namespace {

std::string_view role_name(PeerRole role) { return role == PeerRole::echo ? "echo" : "consume"; }

PeerRole parse_role(const std::string& word) {
    if (word == role_name(PeerRole::echo)) return PeerRole::echo;
    if (word == role_name(PeerRole::consume)) return PeerRole::consume;
    throw std::invalid_argument("argument 1 (role) is neither echo nor consume: '" + word + "'");
}

}  // namespace

std::vector<std::string> IpcPeerTask::to_args() const {
    std::vector<std::string> args{std::string(role_name(options.role)), std::to_string(options.payload_bytes),
                                  std::to_string(options.ack_every), std::to_string(options.cpu),
                                  std::to_string(parent)};
    args.insert(args.end(), endpoint.begin(), endpoint.end());
    return args;
}

IpcPeerTask IpcPeerTask::from_args(std::span<const std::string> args) {
    if (args.size() < 6)
        throw std::invalid_argument("ipc_peer needs <role> <bytes> <ack_every> <cpu> <parent> <endpoint...>, got " +
                                    std::to_string(args.size()) + " arguments");
    IpcPeerTask task{.options = {.role = parse_role(args[0]),
                                 .payload_bytes = integer_argument<std::size_t>(args, 1, "payload bytes"),
                                 .ack_every = integer_argument<std::uint64_t>(args, 2, "ack every"),
                                 .cpu = integer_argument<int>(args, 3, "cpu")},
                     .parent = integer_argument<pid_t>(args, 4, "parent pid"),
                     .endpoint = {args.begin() + 5, args.end()}};
    if (task.options.ack_every == 0) throw std::invalid_argument("ack_every must be at least 1");
    return task;
}

int IpcPeerTask::run() const {
    if (peer_end != nullptr) {
        // A process other than the one that made the link is a forked child:
        // its copy of the parent's side must not remove the parent's names.
        if (parent_end != nullptr && ::getpid() != parent) parent_end->disown_in_forked_child();
        return run_peer(*peer_end, options);
    }
    const pid_t expected_parent = parent;
    auto opened = open_peer_endpoint(endpoint, [expected_parent] { return ::getppid() == expected_parent; });
    return run_peer(*opened, options);
}

}  // namespace tvp::ipc
