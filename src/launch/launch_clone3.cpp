// clone3(CLONE_VM | CLONE_VFORK | CLONE_PIDFD) + execve(): what glibc 2.39's
// pidfd_spawn does (this glibc, 2.36, lacks it). Like vfork, the parent is
// suspended, sharing its memory, until the child execs; unlike vfork, the
// child runs on a stack of its own, and the parent gets a pidfd with it, with
// no window in which the pid could be reused under it. The parent waits
// through that pidfd (waitid(P_PIDFD)).
//
// Why not syscall(SYS_clone3, ...): with a stack of its own the child resumes
// inside glibc's syscall() wrapper with an empty stack, and its `ret` would
// pop a return address that is not there. The few instructions below make the
// system call themselves and, in the child, call the child's function on the
// new stack; they are x86-64 only, and elsewhere the back-end reports ENOSYS.
#include <linux/sched.h>  // struct clone_args, CLONE_PIDFD
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <memory>

#include "launch/exec_request.hpp"
#include "launch/launch_backends.hpp"
#include "process/child_process.hpp"
#include "os/system_error.hpp"

namespace tvp::detail {

namespace {

// What the child gets: everything it needs is here, prepared by the parent.
struct ChildJob {
    ExecRequest* request;
    const sigset_t* parent_mask;
};

[[noreturn]] void child_entry(ChildJob* job) noexcept { job->request->exec_in_child(*job->parent_mask); }

// The child's stack: it calls child_entry and, through it, sigaction() and
// execve(); a few KiB are used. It is the parent's to free once clone3 has
// returned, since CLONE_VFORK returns only after the child exec'd or ended.
constexpr std::size_t child_stack_bytes = 32 * 1024;

#if defined(__x86_64__)
// Returns the child's pid, or -errno. The child starts on the new stack with
// every other register as the parent had it, so the function and its argument
// ride in callee-saved registers the system call leaves alone.
long clone3_calling(clone_args* args, void (*entry)(ChildJob*) noexcept, ChildJob* job) {
    long result;
    register void (*entry_register)(ChildJob*) noexcept asm("r12") = entry;
    register ChildJob* job_register asm("r13") = job;
    asm volatile(
        "syscall\n\t"
        "testq %%rax, %%rax\n\t"
        "jnz 1f\n\t"
        "xorl %%ebp, %%ebp\n\t"  // the child: no frame above this one
        "movq %%r13, %%rdi\n\t"
        "callq *%%r12\n\t"
        "ud2\n"  // child_entry never returns
        "1:\n"
        : "=a"(result)
        : "0"(static_cast<long>(SYS_clone3)), "D"(args), "S"(sizeof(clone_args)), "r"(entry_register), "r"(job_register)
        : "rcx", "r11", "memory", "cc");
    return result;
}
#else
long clone3_calling(clone_args*, void (*)(ChildJob*) noexcept, ChildJob*) { return -ENOSYS; }
#endif

class Clone3Worker : public RunningWorker {
public:
    explicit Clone3Worker(ChildProcess child) : child_(std::move(child)) {}
    ExitStatus join() override { return child_.wait(); }
    std::optional<pid_t> pid() const override { return child_.pid(); }
    int pidfd() const override { return child_.pidfd(); }

private:
    ChildProcess child_;
};

}  // namespace

std::unique_ptr<RunningWorker> start_clone3(const std::filesystem::path& executable, const Task& task) {
    ExecRequest request(executable, task);
    const auto stack = std::make_unique<std::byte[]>(child_stack_bytes);  // 16-byte aligned, as the ABI needs
    int pidfd = -1;
    clone_args args{};
    args.flags = CLONE_VM | CLONE_VFORK | CLONE_PIDFD;
    args.pidfd = reinterpret_cast<std::uintptr_t>(&pidfd);
    args.exit_signal = SIGCHLD;
    args.stack = reinterpret_cast<std::uintptr_t>(stack.get());
    args.stack_size = child_stack_bytes;
    long result;
    {
        const BlockedSignals blocked;
        ChildJob job{&request, &blocked.previous()};
        result = clone3_calling(&args, child_entry, &job);
    }
    if (result == -ENOSYS)
        throw_system_error(ENOSYS, "clone3: this kernel (or its seccomp filter) has no clone3, Linux 5.3 or later");
    if (result < 0) throw_system_error(static_cast<int>(-result), "clone3");
    ChildProcess child(static_cast<pid_t>(result), UniqueFd(pidfd));
    if (const int error = request.exec_error()) {
        child.wait();
        throw_system_error(error, "clone3+execve " + request.path());
    }
    return std::make_unique<Clone3Worker>(std::move(child));
}

}  // namespace tvp::detail
