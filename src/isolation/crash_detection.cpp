#include "isolation/crash_detection.hpp"

#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <new>
#include <stdexcept>
#include <string>

#include "ipc/message.hpp"
#include "task/typed_task.hpp"
#include "os/system_error.hpp"

namespace tvp {

namespace {

constexpr int wait_limit_ms = 10'000;

// poll() for POLLIN on `fd`, retrying on EINTR; throws if nothing comes in time.
void wait_readable(int fd, const char* what) {
    pollfd ready{.fd = fd, .events = POLLIN, .revents = 0};
    int result;
    do {
        result = ::poll(&ready, 1, wait_limit_ms);
    } while (result < 0 && errno == EINTR);
    if (result < 0) throw_errno(std::string("poll on the ") + what);
    if (result == 0) throw std::runtime_error(std::string("the crash was not seen through the ") + what + " in 10 s");
}

sigset_t just_sigchld() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    return set;
}

}  // namespace

std::string_view to_string(DetectMethod method) {
    switch (method) {
        case DetectMethod::signalfd: return "signalfd";
        case DetectMethod::pidfd: return "pidfd";
        case DetectMethod::waitpid: return "waitpid";
        case DetectMethod::robust_mutex: return "robust_mutex";
    }
    return "unknown";
}

CrashDetector::CrashDetector(const Launcher& launcher, DetectMethod method)
    : launcher_(launcher),
      method_(method),
      segment_(SharedMemory::create_named(sizeof(CrashProbe))),
      probe_(new (segment_.data()) CrashProbe) {
    if (shares_address_space(launcher.backend()))
        throw std::invalid_argument(
            "a thread that aborts ends the whole process: there is no parent left to detect it");
    sigemptyset(&previous_mask_);
    if (method_ == DetectMethod::signalfd) {
        // SIGCHLD must be blocked for a signalfd to receive it (and is, in this
        // thread, for the detector's life); bench runs benchmarks on its one thread.
        const sigset_t sigchld = just_sigchld();
        ::pthread_sigmask(SIG_BLOCK, &sigchld, &previous_mask_);
        signalfd_ = UniqueFd(::signalfd(-1, &sigchld, SFD_NONBLOCK | SFD_CLOEXEC));
        if (!signalfd_) {
            ::pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
            probe_->~CrashProbe();
            throw_errno("signalfd(SIGCHLD)");
        }
    }
}

CrashDetector::~CrashDetector() {
    if (method_ == DetectMethod::signalfd) {
        signalfd_.reset();
        ::pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);  // a SIGCHLD still pending is then ignored
    }
    probe_->~CrashProbe();
}

std::int64_t CrashDetector::wait_for_crash(const RunningWorker& worker) {
    const pid_t pid = *worker.pid();
    switch (method_) {
        case DetectMethod::signalfd:
            while (true) {
                wait_readable(signalfd_.get(), "signalfd");
                signalfd_siginfo info{};
                if (::read(signalfd_.get(), &info, sizeof info) != static_cast<ssize_t>(sizeof info)) continue;
                if (static_cast<pid_t>(info.ssi_pid) == pid) return monotonic_ns();
            }
        case DetectMethod::pidfd: {
            UniqueFd opened;
            int pidfd = worker.pidfd();  // clone3's own; pidfd_open for the others
            if (pidfd < 0) {
                opened = UniqueFd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
                if (!opened) throw_errno("pidfd_open(" + std::to_string(pid) + ")");
                pidfd = opened.get();
            }
            wait_readable(pidfd, "pidfd");
            return monotonic_ns();
        }
        case DetectMethod::waitpid: {
            siginfo_t info{};
            int result;
            do {
                result = ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT);
            } while (result < 0 && errno == EINTR);
            if (result < 0) throw_errno("waitid(" + std::to_string(pid) + ")");
            return monotonic_ns();
        }
        case DetectMethod::robust_mutex: {
            const bool owner_died = probe_->mutex.lock();
            const std::int64_t now = monotonic_ns();
            probe_->mutex.unlock();
            if (!owner_died) throw std::runtime_error("the robust mutex did not report its owner's death (EOWNERDEAD)");
            return now;
        }
    }
    throw std::logic_error("unknown detection method");
}

std::int64_t CrashDetector::measure_once() {
    probe_->abort_ns.store(0);
    probe_->ready.store(0);
    probe_->go.store(0);
    if (signalfd_) {  // a SIGCHLD left from an earlier child would hide this one's: the signal does not queue
        signalfd_siginfo stale{};
        while (::read(signalfd_.get(), &stale, sizeof stale) > 0) {}
    }
    const bool hold_lock = method_ == DetectMethod::robust_mutex;
    std::unique_ptr<RunningWorker> worker = launcher_.start(
        make_task(StampAndAbortTask{.segment = segment_.name(), .hold_lock = hold_lock}, launcher_.backend()));

    // The worker runs (holding the lock, if asked to) before the parent starts waiting.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_limit_ms);
    while (probe_->ready.load() == 0) {
        if (std::chrono::steady_clock::now() > deadline)
            throw std::runtime_error("the crashing worker did not start within 10 s");
        ::sched_yield();
    }
    probe_->go.store(1);
    const std::int64_t known = wait_for_crash(*worker);
    const ExitStatus status = worker->join();
    if (status != ExitStatus::signaled(SIGABRT))
        throw std::runtime_error("the crashing worker " + status.describe() + ", not by SIGABRT");
    const std::int64_t aborted = probe_->abort_ns.load();
    if (aborted == 0 || known < aborted)
        throw std::runtime_error("the worker's abort stamp is missing or later than the parent's detection");
    return known - aborted;
}

}  // namespace tvp
