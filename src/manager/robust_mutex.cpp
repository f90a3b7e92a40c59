#include "manager/robust_mutex.hpp"

#include <cerrno>
#include <ctime>

#include "system_error.hpp"

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

}  // namespace

bool RobustMutex::lock() {
    int error = pthread_mutex_trylock(&mutex_);  // the uncontended case: no clock read
    while (error == EBUSY || error == ETIMEDOUT) {
        const timespec recheck = realtime_in(recheck_ns);
        error = pthread_mutex_timedlock(&mutex_, &recheck);
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
