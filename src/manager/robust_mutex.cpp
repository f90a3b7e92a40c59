#include "manager/robust_mutex.hpp"

#include <cerrno>
#include <ctime>

#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#endif

#include "os/system_error.hpp"

namespace tvp::manager {

RobustMutex::RobustMutex() {
    pthread_mutexattr_t attributes;
    pthread_mutexattr_init(&attributes);
    pthread_mutexattr_setpshared(&attributes, PTHREAD_PROCESS_SHARED);
    pthread_mutexattr_setrobust(&attributes, PTHREAD_MUTEX_ROBUST);
    const int error = pthread_mutex_init(&mutex_, &attributes);
    pthread_mutexattr_destroy(&attributes);
    if (error != 0) throw_system_error(error, "pthread_mutex_init (robust, process-shared)");
}

RobustMutex::~RobustMutex() { pthread_mutex_destroy(&mutex_); }

namespace {

// How long a waiter sleeps before it looks at the lock again (see the header).
constexpr long recheck_ns = 100'000'000;

// pthread_mutex_timedlock's clock is CLOCK_REALTIME: a clock step only makes one
// slice longer or shorter. (pthread_mutex_clocklock would take CLOCK_MONOTONIC,
// but ThreadSanitizer does not see it take the lock, and then reports every unlock.)
timespec realtime_in(long nanoseconds) {
    timespec when{};
    ::clock_gettime(CLOCK_REALTIME, &when);
    when.tv_nsec += nanoseconds;
    when.tv_sec += when.tv_nsec / 1'000'000'000;
    when.tv_nsec %= 1'000'000'000;
    return when;
}

// ThreadSanitizer's pthread_mutex_timedlock interceptor counts only a 0 result
// as taking the lock, not EOWNERDEAD (its lock and trylock ones count both):
// tell it, or it reports the unlock that follows a recovery.
void lock_taken_unseen_by_thread_sanitizer([[maybe_unused]] pthread_mutex_t* mutex) {
#if defined(__SANITIZE_THREAD__)
    __tsan_mutex_pre_lock(mutex, __tsan_mutex_try_lock);
    __tsan_mutex_post_lock(mutex, __tsan_mutex_try_lock, 0);
#endif
}

}  // namespace

bool RobustMutex::lock() {
    int error = pthread_mutex_trylock(&mutex_);  // the uncontended case: no clock read
    while (error == EBUSY || error == ETIMEDOUT) {
        const timespec recheck = realtime_in(recheck_ns);
        error = pthread_mutex_timedlock(&mutex_, &recheck);
        if (error == EOWNERDEAD) lock_taken_unseen_by_thread_sanitizer(&mutex_);
    }
    if (error == 0) return false;
    if (error == EOWNERDEAD) {
        pthread_mutex_consistent(&mutex_);
        return true;
    }
    throw_system_error(error, "pthread_mutex_lock");
}

void RobustMutex::unlock() { pthread_mutex_unlock(&mutex_); }

}  // namespace tvp::manager
