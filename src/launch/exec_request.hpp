#pragma once
// What a child made by vfork() or clone3(CLONE_VM|CLONE_VFORK) needs to exec
// the worker executable, all of it prepared in the parent: such a child
// shares the parent's memory until it execs, so it may only make
// async-signal-safe calls (no allocation, no lock, no exception) and then
// execve() or _exit(). A failed exec's errno reaches the parent through the
// shared memory.
#include <signal.h>

#include <filesystem>
#include <string>
#include <vector>

#include "process/parent_death.hpp"
#include "task/task.hpp"

namespace tvp {

class ExecRequest {
public:
    // argv: the executable, the task's name, its arguments (throws
    // std::invalid_argument for a task without a name); envp: ChildEnvironment.
    ExecRequest(const std::filesystem::path& executable, const Task& task);
    ExecRequest(const ExecRequest&) = delete;
    ExecRequest& operator=(const ExecRequest&) = delete;

    // In the child, while it shares the parent's memory: signal handlers back
    // to their defaults (a handler must not run on the parent's memory),
    // the signal mask the parent had before BlockedSignals, then execve; on
    // failure, stores errno for the parent and _exits with 127.
    [[noreturn]] void exec_in_child(const sigset_t& parent_mask) noexcept;

    // In the parent once the child has exec'd or ended: the exec's errno, 0 if it succeeded.
    int exec_error() const noexcept { return exec_errno_; }
    const std::string& path() const { return words_.front(); }

private:
    std::vector<std::string> words_;
    std::vector<char*> argv_;
    ChildEnvironment environment_;
    volatile int exec_errno_ = 0;  // written by the child, in the shared memory
};

// Blocks every signal in this thread for its lifetime, so that no signal
// handler runs in a child that shares this thread's memory and stack before
// the child has reset the handlers (glibc's posix_spawn does the same).
class BlockedSignals {
public:
    BlockedSignals();
    BlockedSignals(const BlockedSignals&) = delete;
    BlockedSignals& operator=(const BlockedSignals&) = delete;
    ~BlockedSignals();
    // The mask before: what the child restores before it execs.
    const sigset_t& previous() const { return previous_; }

private:
    sigset_t previous_;
};

}  // namespace tvp
