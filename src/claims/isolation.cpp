#include "claims/isolation.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>

#include "child_process.hpp"
#include "launcher.hpp"
#include "parallel_sumsq.hpp"
#include "resource_usage.hpp"
#include "shared_memory.hpp"

namespace tvp::claims {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

[[noreturn]] void crash() {
    disable_core_dumps();
    std::abort();
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
        running.push_back(launcher.start(i == crashing ? crash_task(backend)
                                                       : partial_sum_task(backend, slots.as<PartialSum>(), slots.name(), i,
                                                                          ranges[i])));
    const std::vector<ExitStatus> statuses = join_all(running);
    for (unsigned i = 0; i < workers; ++i) {
        if (i == crashing) run.crash = "worker " + statuses[i].describe();
        else if (statuses[i].success() && slots.as<PartialSum>()[i].written == 1) ++run.survivors;
    }
    run.detect_seconds = seconds_since(start);

    const auto replace = Clock::now();
    const ExitStatus redo =
        launcher.start(partial_sum_task(backend, slots.as<PartialSum>(), slots.name(), crashing, ranges[crashing]))->join();
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
            running.push_back(threads.start(with_crash && i == workers / 2
                                                ? crash_task(Backend::thread)
                                                : partial_sum_task(Backend::thread, slots.data(), {}, i, ranges[i])));
        }
        join_all(running);
        uint128 sum = 0;
        for (const PartialSum& slot : slots) sum += slot.value;
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
