#pragma once
// The crashing worker of the crash-detection benchmarks (isolation/<backend>/
// detect:...): it stamps CLOCK_MONOTONIC into shared memory just before
// abort(), so the parent can time how long it took to learn of the crash.
#include <atomic>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "manager/robust_mutex.hpp"

namespace tvp {

// Lives in a named shared segment the parent creates (placement new).
struct CrashProbe {
    std::atomic<std::int64_t> abort_ns{0};  // the worker's CLOCK_MONOTONIC just before abort()
    std::atomic<std::uint32_t> ready{0};    // the worker runs (and holds the mutex, if asked to)
    std::atomic<std::uint32_t> go{0};       // the parent is about to wait: crash now
    manager::RobustMutex mutex;             // held by the worker when hold_lock
};

// stamp_and_abort <segment> <hold_lock 0|1>: opens the CrashProbe, takes its
// robust mutex if asked, says ready, waits for go (at most 10 s: then exits
// with 3), stamps abort_ns and abort()s without a core dump.
struct StampAndAbortTask {
    static constexpr std::string_view name = "stamp_and_abort";
    std::string segment;
    bool hold_lock = false;
    std::vector<std::string> to_args() const { return {segment, hold_lock ? "1" : "0"}; }
    static StampAndAbortTask from_args(std::span<const std::string> args);
    int run() const;
};

inline constexpr int exit_no_go = 3;

}  // namespace tvp
