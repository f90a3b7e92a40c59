#include "claims/isolation.hpp"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>

#include "child_process.hpp"
#include "launcher.hpp"
#include "partial_sum.hpp"
#include "shared_memory.hpp"

namespace tvp::claims {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

[[noreturn]] void crash() {
    const rlimit no_core{0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);  // a crash on purpose needs no core dump
    std::abort();
}

Task partial_sum_task(Backend backend, SharedMemory& slots, std::size_t slot, IndexRange range) {
    if (runs_worker_executable(backend))
        return {.name = "sumsq_partial",
                .args = {slots.name(), std::to_string(slot), std::to_string(range.begin), std::to_string(range.end)},
                .function = {}};
    PartialSum* target = slots.as<PartialSum>() + slot;
    return {.name = {}, .args = {}, .function = [target, range] {
                compute_partial_sum(*target, range);
                return 0;
            }};
}

Task crash_task(Backend backend) {
    if (runs_worker_executable(backend)) return {.name = "raise_signal", .args = {std::to_string(SIGABRT)}, .function = {}};
    return {.name = {}, .args = {}, .function = []() -> int { crash(); }};
}

IsolationRun crash_a_process(Backend backend, unsigned workers, std::uint64_t n) {
    const Launcher launcher(backend);
    SharedMemory slots = SharedMemory::create_named(workers * sizeof(PartialSum));
    const std::vector<IndexRange> ranges = split_work(n, workers);
    const unsigned crashing = workers / 2;
    IsolationRun run;

    const auto start = Clock::now();
    std::vector<std::unique_ptr<RunningWorker>> running;
    for (unsigned i = 0; i < workers; ++i)
        running.push_back(launcher.start(i == crashing ? crash_task(backend) : partial_sum_task(backend, slots, i, ranges[i])));
    for (unsigned i = 0; i < workers; ++i) {
        const ExitStatus status = running[i]->join();
        if (i == crashing) run.crash = "worker " + status.describe();
        else if (status.success() && slots.as<PartialSum>()[i].written == 1) ++run.survivors;
    }
    run.detect_seconds = seconds_since(start);

    const auto replace = Clock::now();
    const ExitStatus redo = launcher.start(partial_sum_task(backend, slots, crashing, ranges[crashing]))->join();
    run.replace_seconds = seconds_since(replace);

    uint128 total = 0;
    for (unsigned i = 0; i < workers; ++i) total += slots.as<PartialSum>()[i].value;
    run.sum_correct = redo.success() && total == *sum_of_squares_closed_form(n);
    return run;
}

// The thread case in a forked sandbox: its threads share its memory, so the
// sum comes back through a pipe only if the sandbox survives.
ExitStatus run_thread_sandbox(unsigned workers, std::uint64_t n, bool with_crash, uint128& total) {
    int pipe_ends[2];
    if (::pipe(pipe_ends) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(pipe_ends[0]);
        const Launcher threads(Backend::thread);
        std::vector<PartialSum> slots(workers);
        const std::vector<IndexRange> ranges = split_work(n, workers);
        std::vector<std::unique_ptr<RunningWorker>> running;
        for (unsigned i = 0; i < workers; ++i) {
            Task task{.name = {}, .args = {}, .function = [&slots, &ranges, i] {
                          compute_partial_sum(slots[i], ranges[i]);
                          return 0;
                      }};
            if (with_crash && i == workers / 2) task.function = []() -> int { crash(); };
            running.push_back(threads.start(task));
        }
        uint128 sum = 0;
        for (unsigned i = 0; i < workers; ++i) {
            running[i]->join();
            sum += slots[i].value;
        }
        const bool sent = ::write(pipe_ends[1], &sum, sizeof sum) == static_cast<ssize_t>(sizeof sum);
        ::_exit(sent ? 0 : 1);
    }
    ::close(pipe_ends[1]);
    if (pid < 0) {
        ::close(pipe_ends[0]);
        throw std::system_error(errno, std::generic_category(), "fork");
    }
    ChildProcess sandbox(pid);
    uint128 received = 0;
    const bool got = ::read(pipe_ends[0], &received, sizeof received) == static_cast<ssize_t>(sizeof received);
    ::close(pipe_ends[0]);
    const ExitStatus status = sandbox.wait();
    total = got ? received : 0;
    return status;
}

IsolationRun crash_a_thread(unsigned workers, std::uint64_t n) {
    IsolationRun run;
    uint128 total = 0;
    const auto start = Clock::now();
    run.crash = "sandbox process " + run_thread_sandbox(workers, n, true, total).describe();
    run.detect_seconds = seconds_since(start);
    run.survivors = 0;  // the threads' results died with their process
    const auto replace = Clock::now();
    const ExitStatus redo = run_thread_sandbox(workers, n, false, total);
    run.replace_seconds = seconds_since(replace);
    run.sum_correct = redo.success() && total == *sum_of_squares_closed_form(n);
    return run;
}

}  // namespace

IsolationRun crash_one_worker(Backend backend, unsigned workers, std::uint64_t n) {
    if (workers < 2) throw std::invalid_argument("isolation needs at least 2 workers: one crashes, others work");
    return backend == Backend::thread ? crash_a_thread(workers, n) : crash_a_process(backend, workers, n);
}

}  // namespace tvp::claims
