// Children end within a second of their parent's death, however it dies:
// forked ones, spinning ones and spawned workers, and a spawned worker whose
// parent is gone before it could ask.
#include <gtest/gtest.h>

#include <poll.h>
#include <spawn.h>

#include <atomic>

#include "launch/demo_tasks.hpp"
#include "launch/launcher.hpp"
#include "process/parent_death.hpp"
#include "task/typed_task.hpp"
#include "process_tree.hpp"
#include "test_support.hpp"
#include "test_tasks.hpp"
#include "os/unique_fd.hpp"

namespace tvp {
namespace {

using namespace std::chrono_literals;

// A forked parent that makes one child with `make_child`, reports its pid to
// the test, and waits to be killed.
template <class MakeChild>
std::pair<pid_t, pid_t> parent_and_child(MakeChild make_child) {
    FdPair pipe = make_pipe();
    const pid_t parent = ::fork();
    if (parent == 0) {
        pipe.first.reset();
        try {
            const pid_t child = make_child();
            if (::write(pipe.second.get(), &child, sizeof child) != sizeof child) ::_exit(1);
        } catch (...) {
            ::_exit(1);
        }
        while (true) ::pause();
    }
    pipe.second.reset();
    pollfd ready{.fd = pipe.first.get(), .events = POLLIN, .revents = 0};
    pid_t child = -1;
    if (::poll(&ready, 1, 10'000) != 1 || ::read(pipe.first.get(), &child, sizeof child) != sizeof child) child = -1;
    return {parent, child};
}

class ParentDeathTest : public ::testing::Test {
protected:
    // Kills the parent; true if the child (back with this process, the subreaper) ends within a second.
    bool child_ends_with(pid_t parent) {
        ::kill(parent, SIGKILL);
        ::waitpid(parent, nullptr, 0);
        return testing::reap_children(1s).all_gone;
    }
    void TearDown() override { testing::kill_remaining_children(); }

    testing::Subreaper subreaper_;
};

TEST_F(ParentDeathTest, ASpinningForkedChildEndsWithItsParent) {
    const auto [parent, child] = parent_and_child([] {
        const pid_t pid = fork_dying_with_parent();
        std::atomic<unsigned long> spins{0};
        if (pid == 0)
            while (true) spins.fetch_add(1, std::memory_order_relaxed);
        return pid;
    });
    ASSERT_GT(child, 0);
    EXPECT_TRUE(child_ends_with(parent)) << "still running: " << testing::describe(testing::children_of(::getpid()));
}

class SpawnedDeathTest : public ParentDeathTest, public ::testing::WithParamInterface<Backend> {};

TEST_P(SpawnedDeathTest, ASpawnedWorkerEndsWithItsParent) {
    const auto [parent, child] = parent_and_child([] {
        const Launcher launcher(GetParam(), testing::test_worker_program());
        auto worker = launcher.start(named_task(SleepMsTask{.milliseconds = 30000}));
        const pid_t pid = *worker->pid();
        worker.release();  // never joined: the parent is killed first
        return pid;
    });
    ASSERT_GT(child, 0);
    EXPECT_TRUE(child_ends_with(parent)) << "still running: " << testing::describe(testing::children_of(::getpid()));
}

INSTANTIATE_TEST_SUITE_P(SpawnedWorkers, SpawnedDeathTest,
                         ::testing::Values(Backend::posix_spawn, Backend::boost_process, Backend::vfork,
                                           Backend::clone3, Backend::boost_process_vfork),
                         [](const auto& info) { return std::string(to_string(info.param)); });

// The parent died before the worker asked to die with it: the worker finds it
// has another parent than the one named, and ends at once.
TEST_F(ParentDeathTest, ASpawnedWorkerWhoseParentIsAlreadyGoneEndsAtOnce) {
    const std::string worker = default_worker_executable().string();
    std::string task = "sleep_ms", milliseconds = "30000", parent = std::string(parent_pid_variable) + "=1";
    char* argv[] = {const_cast<char*>(worker.c_str()), task.data(), milliseconds.data(), nullptr};
    char* envp[] = {parent.data(), nullptr};
    pid_t pid = -1;
    ASSERT_EQ(::posix_spawn(&pid, worker.c_str(), nullptr, nullptr, argv, envp), 0);
    int status = 0;
    const bool ended = testing::eventually([&] { return ::waitpid(pid, &status, WNOHANG) == pid; }, 1s);
    EXPECT_TRUE(ended) << "the worker ran on without its parent";
    if (ended) {
        EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
    }
}

}  // namespace
}  // namespace tvp
