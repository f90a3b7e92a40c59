#include "ipc/endpoint.hpp"

#include <stdexcept>

#include "ipc/link_factories.hpp"

namespace tvp::ipc {

namespace {
constexpr std::pair<Mechanism, std::string_view> mechanism_names[] = {
    {Mechanism::pipe, "pipe"},     {Mechanism::socketpair, "socketpair"}, {Mechanism::posix_mq, "posix_mq"},
    {Mechanism::bip_mq, "bip_mq"}, {Mechanism::shm_ring, "shm_ring"},     {Mechanism::mutex_cv, "mutex_cv"},
    {Mechanism::spsc, "spsc"},
};
}  // namespace

std::string_view to_string(Mechanism mechanism) {
    for (auto [value, name] : mechanism_names)
        if (value == mechanism) return name;
    return "unknown";
}

std::optional<Mechanism> parse_mechanism(std::string_view name) {
    for (auto [value, text] : mechanism_names)
        if (text == name) return value;
    return std::nullopt;
}

std::string_view to_string(WaitMode wait) { return wait == WaitMode::spin ? "spin" : "block"; }

bool offers_wait_modes(Mechanism mechanism) { return mechanism == Mechanism::shm_ring; }

bool available(Mechanism mechanism, bool same_address_space) {
    switch (mechanism) {
        case Mechanism::pipe:
        case Mechanism::socketpair: return true;
        case Mechanism::mutex_cv:
        case Mechanism::spsc: return same_address_space;
        case Mechanism::posix_mq:
        case Mechanism::bip_mq:
        case Mechanism::shm_ring: return !same_address_space;
    }
    return false;
}

Link make_link(const LinkOptions& options, PeerAlive parent_sees_peer) {
    switch (options.mechanism) {
        case Mechanism::pipe: return make_pipe_link(options);
        case Mechanism::socketpair: return make_socketpair_link(options);
        case Mechanism::posix_mq: return make_posix_mq_link(options, std::move(parent_sees_peer));
        case Mechanism::bip_mq: return make_bip_mq_link(options, std::move(parent_sees_peer));
        case Mechanism::shm_ring: return make_shm_ring_link(options, std::move(parent_sees_peer));
        case Mechanism::mutex_cv:
        case Mechanism::spsc: return make_thread_queue_link(options);
    }
    throw std::invalid_argument("make_link: unknown mechanism");
}

std::unique_ptr<Endpoint> open_peer_endpoint(std::span<const std::string> arguments, PeerAlive child_sees_parent) {
    if (arguments.empty()) throw std::invalid_argument("no endpoint description");
    const auto mechanism = parse_mechanism(arguments[0]);
    if (!mechanism) throw std::invalid_argument("unknown mechanism '" + arguments[0] + "'");
    switch (*mechanism) {
        case Mechanism::pipe:
        case Mechanism::socketpair: return open_fd_endpoint(arguments);
        case Mechanism::posix_mq:
        case Mechanism::bip_mq: return open_mq_endpoint(arguments, std::move(child_sees_parent));
        case Mechanism::shm_ring: return open_shm_ring_endpoint(arguments, std::move(child_sees_parent));
        case Mechanism::mutex_cv:
        case Mechanism::spsc: break;
    }
    throw std::invalid_argument(arguments[0] + " links threads only; a spawned child cannot open one");
}

}  // namespace tvp::ipc
