// A Boost.Interprocess mutex whose owner died holding it: the next locker gets
// an error within seconds (BOOST_INTERPROCESS_ENABLE_TIMEOUT_WHEN_LOCKING, set
// for the whole build), not a wait that never ends. Message queues and managed
// segments lock such mutexes inside every operation.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/interprocess/exceptions.hpp>
#include <boost/interprocess/sync/interprocess_mutex.hpp>
#include <chrono>
#include <new>
#include <thread>

#include "os/shared_memory.hpp"
#include "test_support.hpp"

namespace tvp {
namespace {

namespace bip = boost::interprocess;

// Forks, runs `body` in the child, and returns its exit code, or -1 if it did
// not end within `limit` (then it is killed): a hang fails the test, boundedly.
template <class Body>
int exit_code_of_child(Body body, std::chrono::seconds limit) {
    const pid_t pid = ::fork();
    if (pid == 0) ::_exit(body());
    const auto deadline = std::chrono::steady_clock::now() + limit;
    int status = 0;
    while (::waitpid(pid, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            return -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class InterprocessLockTest : public testing::LeakCheckedTest {};

TEST_F(InterprocessLockTest, AMutexWhoseOwnerDiedIsAnErrorNotAHang) {
    SharedMemory memory = SharedMemory::create_anonymous(sizeof(bip::interprocess_mutex));
    auto* mutex = new (memory.data()) bip::interprocess_mutex;
    // The owner locks and dies without unlocking.
    ASSERT_EQ(exit_code_of_child([&] { return mutex->try_lock() ? 0 : 1; }, std::chrono::seconds(5)), 0);
    // The next locker: 0 = the lock threw the timeout error, 1 = it got the lock (impossible), -1 = it hung.
    const int outcome = exit_code_of_child(
        [&] {
            try {
                mutex->lock();
                return 1;
            } catch (const bip::interprocess_exception& error) {
                return error.get_error_code() == bip::timeout_when_locking_error ? 0 : 2;
            }
        },
        std::chrono::seconds(10));
    EXPECT_EQ(outcome, 0) << "-1: the lock waited forever for a dead owner";
}

}  // namespace
}  // namespace tvp
