#pragma once
// How fast the parent learns that a worker crashed: from the worker's
// abort() (it stamps CLOCK_MONOTONIC just before, StampAndAbortTask) to the
// parent knowing, through one of four ways. Process back-ends only: a thread
// that aborts takes the whole process, its parent included, with it.
#include <array>
#include <cstdint>
#include <string_view>

#include "isolation/crash_probe.hpp"
#include "launch/launcher.hpp"
#include "os/shared_memory.hpp"
#include "os/unique_fd.hpp"

namespace tvp {

enum class DetectMethod {
    signalfd,      // SIGCHLD, blocked and read from a signalfd
    pidfd,         // the worker's pidfd turns readable in poll() (pidfd_open, or clone3's own)
    waitpid,       // a blocking wait: waitid(P_PID, WEXITED | WNOWAIT), so the launcher still reaps
    robust_mutex,  // the worker held the shared robust mutex: the parent's lock() gets EOWNERDEAD
};

inline constexpr std::array detect_methods{DetectMethod::signalfd, DetectMethod::pidfd, DetectMethod::waitpid,
                                           DetectMethod::robust_mutex};

std::string_view to_string(DetectMethod method);

class CrashDetector {
public:
    // Throws std::invalid_argument for the thread back-end.
    CrashDetector(const Launcher& launcher, DetectMethod method);
    CrashDetector(const CrashDetector&) = delete;
    CrashDetector& operator=(const CrashDetector&) = delete;
    ~CrashDetector();

    // One worker crashes; returns the ns from its stamp to the parent knowing.
    // Throws std::runtime_error unless the worker died of SIGABRT (and, for
    // robust_mutex, the lock came back owner-dead), or if nothing is seen in 10 s.
    std::int64_t measure_once();

private:
    std::int64_t wait_for_crash(const RunningWorker& worker);

    Launcher launcher_;
    DetectMethod method_;
    SharedMemory segment_;
    CrashProbe* probe_;
    UniqueFd signalfd_;       // signalfd only
    sigset_t previous_mask_;  // signalfd only: this thread's mask before SIGCHLD was blocked
};

}  // namespace tvp
