#pragma once
// The worker's answer to the "handshake" task, by which bench's --worker_exe
// check recognises the suite's worker: bench sends a fresh random challenge,
// and the reply carries a function of it, so that a program which only prints
// the expected line (a stub that then "succeeds" at every task in no time)
// is refused before any benchmark times it.
#include <cstdint>
#include <string>
#include <string_view>

namespace tvp {

inline constexpr std::string_view worker_handshake_reply = "tvp_worker handshake 2";

// splitmix64's finaliser: cheap, and no simple relation between challenge and answer.
inline std::uint64_t handshake_answer(std::uint64_t challenge) {
    std::uint64_t z = challenge + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// The whole line the worker prints for `challenge` (without the newline).
inline std::string handshake_line(std::uint64_t challenge) {
    return std::string(worker_handshake_reply) + " " + std::to_string(handshake_answer(challenge));
}

}  // namespace tvp
