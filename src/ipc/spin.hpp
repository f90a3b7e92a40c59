#pragma once
// How every busy-polling wait here spins, the baselines' included: the pause
// instruction between checks, then, after 2000 rounds, yielding the CPU, so
// that two spinning ends sharing one CPU still take turns.
#include <sched.h>

#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace tvp::ipc {

// Tells the CPU this is a spin-wait loop (less power, no memory-order
// mis-speculation on exit, the sibling hyper-thread runs).
inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();
#elif defined(__aarch64__)
    asm volatile("yield" ::: "memory");
#else
    asm volatile("" ::: "memory");  // no pause instruction known: a compiler barrier only
#endif
}

inline void spin_once(std::uint64_t round) {
    if (round < 2000) cpu_relax();
    else ::sched_yield();
}

}  // namespace tvp::ipc
