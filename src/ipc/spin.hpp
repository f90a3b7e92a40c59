#pragma once
// How every busy-polling wait here spins, the baselines' included: the pause
// instruction between checks, then, after 2000 rounds, yielding the CPU, so
// that two spinning ends sharing one CPU still take turns.
#include <immintrin.h>
#include <sched.h>

#include <cstdint>

namespace tvp::ipc {

inline void spin_once(std::uint64_t round) {
    if (round < 2000) _mm_pause();
    else ::sched_yield();
}

}  // namespace tvp::ipc
