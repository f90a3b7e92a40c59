#include "manager/robust_mutex.hpp"

#include <cerrno>

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

bool RobustMutex::lock() {
    const int error = pthread_mutex_lock(&mutex_);
    if (error == 0) return false;
    if (error == EOWNERDEAD) {
        pthread_mutex_consistent(&mutex_);
        return true;
    }
    throw_system_error(error, "pthread_mutex_lock");
}

void RobustMutex::unlock() { pthread_mutex_unlock(&mutex_); }

}  // namespace tvp::manager
