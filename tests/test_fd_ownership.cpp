// Every descriptor has an owner from the call that made it: a factory that
// fails half-way (here: out of descriptors) leaves nothing open behind it.
#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <set>

#include "memory/worker_gate.hpp"
#include "ipc/endpoint.hpp"

namespace tvp {
namespace {

std::set<int> open_descriptors() {
    std::set<int> fds;
    DIR* directory = ::opendir("/proc/self/fd");
    if (directory == nullptr) return fds;
    while (const dirent* entry = ::readdir(directory))
        if (entry->d_name[0] != '.') fds.insert(std::stoi(entry->d_name));
    fds.erase(::dirfd(directory));
    ::closedir(directory);
    return fds;
}

// Lowers RLIMIT_NOFILE so that exactly `free` descriptor numbers are left.
bool leave_free_descriptors(int free) {
    const std::set<int> open = open_descriptors();
    int limit = 0;
    for (int available = 0; available < free; ++limit)
        if (!open.contains(limit)) ++available;
    const rlimit descriptors{static_cast<rlim_t>(limit), static_cast<rlim_t>(limit)};
    return ::setrlimit(RLIMIT_NOFILE, &descriptors) == 0;
}

// In a forked child (the limit is process-wide): with three descriptors left,
// `make` gets its first pair and fails on the second. Exit code 0: it threw
// and left the same descriptors open as before; 1: it did not throw; 2: it leaked.
int fails_without_leaking(const std::function<void()>& make) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        const std::set<int> before = open_descriptors();
        if (!leave_free_descriptors(3)) ::_exit(3);
        try {
            make();
            ::_exit(1);
        } catch (...) {}
        ::_exit(open_descriptors() == before ? 0 : 2);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

TEST(FdOwnership, APipeLinkThatCannotBeMadeLeavesNoDescriptorOpen) {
    for (PipeKind kind : {PipeKind::posix, PipeKind::boost}) {
        EXPECT_EQ(fails_without_leaking([kind] {
                      ipc::make_link({.mechanism = ipc::Mechanism::pipe, .max_message_bytes = 64, .pipe_kind = kind},
                                     {});
                  }),
                  0)
            << (kind == PipeKind::posix ? "pipe2" : "boost::process::pipe") << " (1: did not fail, 2: leaked)";
    }
}

TEST(FdOwnership, AWorkerGateThatCannotBeMadeLeavesNoDescriptorOpen) {
    EXPECT_EQ(fails_without_leaking([] { WorkerGate gate; }), 0) << "1: did not fail, 2: leaked";
}

}  // namespace
}  // namespace tvp
