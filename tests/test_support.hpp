#pragma once
// Shared by the tests: checks that no child process and no shared-memory
// segment of this process outlives a test.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <string>
#include <vector>

#include "process/backend.hpp"

namespace tvp::testing {

// True when this process has no child left, running or zombie.
inline bool no_children_left() {
    errno = 0;
    return ::waitpid(-1, nullptr, WNOHANG) == -1 && errno == ECHILD;
}

// Names in /dev/shm made by this process ("tvp-<pid>-...").
inline std::vector<std::string> own_segments() {
    std::vector<std::string> names;
    const std::string prefix = "tvp-" + std::to_string(::getpid()) + "-";
    for (const auto& entry : std::filesystem::directory_iterator("/dev/shm"))
        if (entry.path().filename().string().starts_with(prefix)) names.push_back(entry.path().filename());
    return names;
}

// A fixture whose every test must end with no child and no segment left.
class LeakCheckedTest : public ::testing::Test {
protected:
    void TearDown() override {
        EXPECT_TRUE(no_children_left()) << "a child process was left behind";
        EXPECT_TRUE(own_segments().empty()) << "a shared-memory segment was left behind";
    }
};

// Where the build put bench, tvp_worker and the tests (they sit together).
inline std::filesystem::path build_directory() { return std::filesystem::read_symlink("/proc/self/exe").parent_path(); }
// The worker program with the tests' own probes (test_tasks.hpp), beside them.
inline std::filesystem::path test_worker_program() { return build_directory() / "tvp_test_worker"; }

// Whether `backend`'s vfork is really a fork in this build: ThreadSanitizer's
// interceptor replaces vfork with fork, so what a vfork child writes (an exec
// error) never reaches the parent. Tests of that path skip, saying so.
inline bool vfork_is_fork_here(Backend backend) {
#if defined(__SANITIZE_THREAD__)
    return backend == Backend::vfork || backend == Backend::boost_process_vfork;
#else
    (void)backend;
    return false;
#endif
}

}  // namespace tvp::testing
