#pragma once
// A process-shared, robust pthread mutex that lives in shared memory. If its
// owner dies while holding it, the next locker gets EOWNERDEAD instead of
// waiting forever; lock() then marks the mutex consistent and reports the
// recovery, so the caller can repair or account for the interrupted update.
//
// Why not Boost.Interprocess's interprocess_mutex: in Boost 1.74 it is not
// robust, and a worker that dies holding it leaves every other worker blocked.
//
// Why lock() never sleeps for more than 100 ms at a time: robust futexes can
// lose a wake-up when a process is killed. The unlocker wakes one waiter; if
// that waiter is killed before it takes the lock and a third process takes it
// on the fast path (no FUTEX_WAITERS bit set), the kernel sees an owner alive
// and wakes nobody, and the remaining waiters sleep for good although the lock
// is free (seen here, Linux 6.18 and glibc 2.36, in a few percent of the runs
// that kill a worker mid-run; tests/test_manager.cpp). A waiter that looks again after a bounded sleep
// takes the lock; the uncontended path is a trylock, as fast as a lock.
#include <pthread.h>

namespace tvp::manager {

class RobustMutex {
public:
    RobustMutex();  // construct in place in the shared segment
    RobustMutex(const RobustMutex&) = delete;
    RobustMutex& operator=(const RobustMutex&) = delete;
    ~RobustMutex();

    // True when the previous owner died holding the lock (now recovered).
    bool lock();
    void unlock();

private:
    pthread_mutex_t mutex_;
};

// Locks for a scope; counts recoveries from a dead owner.
class RobustLock {
public:
    explicit RobustLock(RobustMutex& mutex) : mutex_(mutex), recovered_(mutex.lock()) {}
    RobustLock(const RobustLock&) = delete;
    RobustLock& operator=(const RobustLock&) = delete;
    ~RobustLock() { mutex_.unlock(); }
    bool recovered() const { return recovered_; }

private:
    RobustMutex& mutex_;
    bool recovered_;
};

}  // namespace tvp::manager
