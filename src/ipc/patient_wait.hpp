#pragma once
// Waiting for a peer without hanging: the caller waits in short slices and
// calls check() between them, which throws once the peer has died or stayed
// silent for give_up_after_seconds. A peer that wrote its last message and then
// exited is not an error: the first check() that sees it dead returns, so the
// caller tries once more, and only the next one throws.
#include <chrono>
#include <stdexcept>
#include <string>

#include "ipc/endpoint.hpp"

namespace tvp::ipc {

class PatientWait {
public:
    // Cheap to make: the clock is read at the first check(), not here, since
    // most messages need no wait at all.
    PatientWait(const PeerAlive& peer_alive, const char* what) : peer_alive_(peer_alive), what_(what) {}

    void check() {
        const auto now = std::chrono::steady_clock::now();
        if (!started_) {
            deadline_ = now + std::chrono::seconds(give_up_after_seconds);
            started_ = true;
        }
        if (peer_alive_ && !peer_alive_()) {
            if (seen_dead_) throw std::runtime_error(std::string(what_) + ": the peer died");
            seen_dead_ = true;
            return;
        }
        if (now > deadline_)
            throw std::runtime_error(std::string(what_) + ": no progress from the peer in " +
                                     std::to_string(give_up_after_seconds) + " s");
    }

private:
    const PeerAlive& peer_alive_;
    const char* what_;
    std::chrono::steady_clock::time_point deadline_{};
    bool started_ = false;
    bool seen_dead_ = false;
};

// The slice a blocking wait lasts before checking on the peer.
inline constexpr std::chrono::milliseconds wait_slice{100};

}  // namespace tvp::ipc
