#include "isolation/isolation.hpp"

#include "process/parent_death.hpp"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <optional>

#include "process/child_process.hpp"
#include "launch/demo_tasks.hpp"
#include "os/forked_child.hpp"
#include "os/fd_io.hpp"
#include "launch/launcher.hpp"
#include "sumsq/parallel_sumsq.hpp"
#include "os/resource_usage.hpp"
#include "os/shared_memory.hpp"
#include "os/system_error.hpp"
#include "task/typed_task.hpp"
#include "os/unique_fd.hpp"

namespace tvp {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

[[noreturn]] void crash() {
    disable_core_dumps();
    std::abort();
}

Task failing_task(Backend backend, Failure failure) {
    if (failure == Failure::exit_code) return make_task(ExitWithTask{.code = 1}, backend);
    // In-process, abort() rather than raise_signal: it also ends a process that blocks SIGABRT.
    if (runs_worker_executable(backend)) return named_task(RaiseSignalTask{.signal = SIGABRT});
    return {.name = {}, .args = {}, .function = []() -> int { crash(); }};
}

Task partial_sum_task(Backend backend, std::span<PartialSum> slots, const std::string& segment, unsigned slot,
                      IndexRange range) {
    return make_task(SumsqPartialTask{.segment = segment, .slot = slot, .range = range, .slots = slots.data()},
                     backend);
}

// The other workers whose slot was written, as the parent sees the slots.
unsigned count_survivors(std::span<const PartialSum> slots, unsigned failing) {
    unsigned survivors = 0;
    for (unsigned i = 0; i < slots.size(); ++i)
        if (i != failing && slots[i].written == 1) ++survivors;
    return survivors;
}

// Every slot written, and their sum the closed form's.
bool sum_is_correct(std::span<const PartialSum> slots, std::uint64_t n) {
    const std::optional<uint128> expected = sum_of_squares_closed_form(n);
    uint128 total = 0;
    for (const PartialSum& slot : slots) {
        if (slot.written != 1) return false;
        total += slot.value;
    }
    return !slots.empty() && expected && total == *expected;
}

IsolationRun crash_a_process(const Launcher& launcher, unsigned workers, std::uint64_t n, Failure failure) {
    const Backend backend = launcher.backend();
    SharedMemory shared = SharedMemory::create_named(workers * sizeof(PartialSum));
    const std::span<PartialSum> slots{shared.as<PartialSum>(), workers};
    const std::vector<IndexRange> ranges = split_work(n, workers);
    const unsigned failing = workers / 2;
    IsolationRun run;

    const auto start = Clock::now();
    std::vector<std::unique_ptr<RunningWorker>> running;
    for (unsigned i = 0; i < workers; ++i)
        running.push_back(launcher.start(i == failing ? failing_task(backend, failure)
                                                      : partial_sum_task(backend, slots, shared.name(), i, ranges[i])));
    const std::vector<ExitStatus> statuses = join_all(running);
    run.crash = "worker " + statuses[failing].describe();
    run.survivors = count_survivors(slots, failing);
    run.detect_seconds = seconds_since(start);

    const auto replace = Clock::now();
    const ExitStatus redo =
        launcher.start(partial_sum_task(backend, slots, shared.name(), failing, ranges[failing]))->join();
    run.replace_seconds = seconds_since(replace);

    run.sum_correct = redo.success() && sum_is_correct(slots, n);
    return run;
}

// Inside the sandbox: the workers as threads, then their slots to the parent.
int sandbox_main(int report_fd, unsigned workers, std::uint64_t n, std::optional<unsigned> failing, Failure failure) {
    const Launcher threads(Backend::thread);
    std::vector<PartialSum> slots(workers);
    const std::vector<IndexRange> ranges = split_work(n, workers);
    std::vector<std::unique_ptr<RunningWorker>> running;
    for (unsigned i = 0; i < workers; ++i)
        running.push_back(threads.start(i == failing ? failing_task(Backend::thread, failure)
                                                     : partial_sum_task(Backend::thread, slots, {}, i, ranges[i])));
    join_all(running);
    write_all(report_fd, slots.data(), slots.size() * sizeof(PartialSum), false);
    return 0;
}

// The sandbox's slots as they reached the parent: all of them, or none if the
// sandbox ended before it sent them all.
std::vector<PartialSum> receive_slots(int fd, unsigned workers) {
    std::vector<PartialSum> slots(workers);
    auto* bytes = reinterpret_cast<char*>(slots.data());
    const std::size_t size = slots.size() * sizeof(PartialSum);
    for (std::size_t done = 0; done < size;) {
        const ssize_t got = ::read(fd, bytes + done, size - done);
        if (got == 0) return {};
        if (got < 0) {
            if (errno == EINTR) continue;
            throw_errno("read from the thread sandbox");
        }
        done += static_cast<std::size_t>(got);
    }
    return slots;
}

struct SandboxOutcome {
    ExitStatus status;
    std::vector<PartialSum> slots;  // what reached the parent: empty if nothing did
};

// The thread case in a forked sandbox: its threads share its memory, so their
// results reach the parent through a pipe, and only if the sandbox survives.
// The sandbox leaves through _exit() whatever it throws (a thread that cannot
// start, say): never into the caller's code, which is the parent's.
SandboxOutcome run_thread_sandbox(unsigned workers, std::uint64_t n, std::optional<unsigned> failing, Failure failure) {
    FdPair pipe = make_pipe();
    const pid_t pid = fork_dying_with_parent();
    if (pid < 0) throw_errno("fork of the thread sandbox");
    if (pid == 0) {
        pipe.first.reset();
        run_forked_child([&] { return sandbox_main(pipe.second.get(), workers, n, failing, failure); },
                         "isolation: thread sandbox");
    }
    ChildProcess sandbox(pid);
    pipe.second.reset();  // our copy of the write end would hide the sandbox's death
    SandboxOutcome outcome;
    outcome.slots = receive_slots(pipe.first.get(), workers);
    outcome.status = sandbox.wait();
    return outcome;
}

IsolationRun crash_a_thread(unsigned workers, std::uint64_t n, Failure failure) {
    const unsigned failing = workers / 2;
    IsolationRun run;
    const auto start = Clock::now();
    const SandboxOutcome failed = run_thread_sandbox(workers, n, failing, failure);
    run.crash = "sandbox process " + failed.status.describe();
    run.survivors = count_survivors(failed.slots, failing);
    run.detect_seconds = seconds_since(start);

    const auto replace = Clock::now();
    const SandboxOutcome redo = run_thread_sandbox(workers, n, std::nullopt, failure);
    run.replace_seconds = seconds_since(replace);
    if (!redo.status.success())
        throw std::runtime_error("the thread sandbox that redoes the work " + redo.status.describe());
    run.sum_correct = sum_is_correct(redo.slots, n);
    return run;
}

}  // namespace

IsolationRun crash_one_worker(const Launcher& launcher, unsigned workers, std::uint64_t n, Failure failure) {
    if (workers < 2) throw std::invalid_argument("isolation needs at least 2 workers: one crashes, others work");
    return shares_address_space(launcher.backend()) ? crash_a_thread(workers, n, failure)
                                                    : crash_a_process(launcher, workers, n, failure);
}

}  // namespace tvp
