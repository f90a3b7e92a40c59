// Scenario `create`: the chapter's "Creazione di Processi" 1 and 2. Start N
// workers that do nothing, then join them all; per back-end, per parent size,
// through the function API and the Worker class API, beside raw baselines.
#include <pthread.h>
#include <spawn.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

#include "bench_support.hpp"
#include "process/child_process.hpp"
#include "launch/demo_tasks.hpp"
#include "launch/launcher.hpp"
#include "task/typed_task.hpp"
#include "scenarios.hpp"
#include "os/random_bytes.hpp"
#include "os/system_error.hpp"
#include "os/touched_memory.hpp"

extern char** environ;

namespace tvp::bench {

namespace {

constexpr unsigned worker_counts[] = {1, 2, 4, 16, 64};
constexpr unsigned parent_sweep_workers = 4;
constexpr std::size_t parent_sizes_mib[] = {64, 512};

enum class Api { function, worker_class };

// Sets us_per_worker from the loop's wall time.
void report_per_worker(benchmark::State& state, LoopMeter& meter, unsigned workers) {
    state.counters["us_per_worker"] = meter.finish(state) * 1e6 / workers;
}

void start_and_join_idle_workers(const Launcher& launcher, unsigned workers) {
    std::vector<IdleWorker> pool(workers);
    for (IdleWorker& worker : pool) worker.start(launcher);
    std::vector<ExitStatus> statuses;
    statuses.reserve(workers);
    for (IdleWorker& worker : pool) statuses.push_back(worker.join());
    require_success(statuses);
}

// An exit code from 1 to 120, fresh for each benchmark run: no program that
// merely starts and exits (with 0, or any fixed code) can pass for the worker.
int creation_proof_code() {
    unsigned char byte = 0;
    fill_random({&byte, 1});
    return 1 + byte % 120;
}

void create_workers(benchmark::State& state, const Launcher& launcher, Api api, unsigned workers,
                    std::size_t parent_mib) {
    run_or_skip(state, [&] {
        const Backend backend = launcher.backend();
        TouchedMemory parent(parent_mib);
        // The chapter's Process(target=f): a function for threads and fork, the
        // named task for the spawned back-ends. It does nothing but end with a
        // code chosen here, so that an exit proves the worker ran its task.
        const int proof = creation_proof_code();
        const std::vector<Task> tasks(workers, make_task(ExitWithTask{.code = proof}, backend));

        LoopMeter meter;
        std::uint64_t verified = 0;
        for (auto _ : state) {
            if (api == Api::function) run_all(launcher, tasks, proof);
            else start_and_join_idle_workers(launcher, workers);
            ++verified;  // every worker ran its task (else run_all or the join threw)
        }
        report_per_worker(state, meter, workers);
        report_verified(state, verified);
    });
}

// --- Baselines: the bare system calls, no suite code in between. ---

void* do_nothing(void*) { return nullptr; }

void raw_pthread(benchmark::State& state, unsigned workers) {
    run_or_skip(state, [&] {
        std::vector<pthread_t> threads(workers);
        LoopMeter meter;
        std::uint64_t verified = 0;
        for (auto _ : state) {
            for (pthread_t& thread : threads)
                if (int error = pthread_create(&thread, nullptr, do_nothing, nullptr))
                    throw_system_error(error, "pthread_create");
            for (pthread_t thread : threads)
                if (int error = pthread_join(thread, nullptr)) throw_system_error(error, "pthread_join");
            ++verified;
        }
        report_per_worker(state, meter, workers);
        report_verified(state, verified);
    });
}

void join_children(std::vector<ChildProcess>& children) {
    std::vector<ExitStatus> statuses;
    statuses.reserve(children.size());
    for (ChildProcess& child : children) statuses.push_back(child.wait());
    children.clear();
    require_success(statuses);
}

// The raw baselines' common loop: start `workers` children with `start_one`
// (which returns the child's pid), then reap them all; the verification is that
// every child exited with 0.
template <typename StartOne>
void raw_start_loop(benchmark::State& state, unsigned workers, std::size_t parent_mib, StartOne start_one) {
    run_or_skip(state, [&] {
        TouchedMemory parent(parent_mib);
        std::vector<ChildProcess> children;
        children.reserve(workers);
        LoopMeter meter;
        std::uint64_t verified = 0;
        for (auto _ : state) {
            for (unsigned i = 0; i < workers; ++i) children.emplace_back(start_one());
            join_children(children);  // throws unless every child exited with 0
            ++verified;
        }
        report_per_worker(state, meter, workers);
        report_verified(state, verified);
    });
}

void raw_fork(benchmark::State& state, unsigned workers, std::size_t parent_mib) {
    raw_start_loop(state, workers, parent_mib, [] {
        const pid_t pid = ::fork();
        if (pid < 0) throw_errno("fork");
        if (pid == 0) ::_exit(0);
        return pid;
    });
}

void raw_posix_spawn(benchmark::State& state, unsigned workers, std::size_t parent_mib, std::filesystem::path program) {
    std::string path = program.string();
    char* argv[] = {path.data(), nullptr};
    raw_start_loop(state, workers, parent_mib, [&] {
        pid_t pid = -1;
        if (int error = ::posix_spawn(&pid, path.c_str(), nullptr, nullptr, argv, environ))
            throw_system_error(error, "posix_spawn " + path);
        return pid;
    });
}

// vfork + execve of the static no-op: the floor the vfork and clone3 back-ends
// are held to. The child only execs or _exits; the parent sees a failed exec
// as exit code 127 (a variable the child writes would do too, as
// launch_vfork.cpp does; the bare loop keeps to the exit code).
[[gnu::noinline]] pid_t vfork_exec(const char* path, char* const argv[]) {
    const pid_t pid = ::vfork();
    if (pid == 0) {
        ::execve(path, argv, environ);
        ::_exit(127);
    }
    return pid;
}

void raw_vfork(benchmark::State& state, unsigned workers, std::size_t parent_mib, std::filesystem::path program) {
    std::string path = program.string();
    char* argv[] = {path.data(), nullptr};
    raw_start_loop(state, workers, parent_mib, [&] {
        const pid_t pid = vfork_exec(path.c_str(), argv);
        if (pid < 0) throw_errno("vfork");
        return pid;
    });
}

// Seconds per repetition for the back-ends on a shorter sweep and raw_vfork.
constexpr double short_sweep_min_time = 0.05;

benchmark::internal::Benchmark* configure(benchmark::internal::Benchmark* benchmark) {
    return benchmark->UseRealTime()->Unit(benchmark::kMicrosecond);
}

}  // namespace

void register_create_benchmarks(const SuiteOptions& options) {
    const std::filesystem::path bench_itself = std::filesystem::read_symlink("/proc/self/exe");
    // The raw baseline always runs the static no-op built beside bench, whatever --worker_exe says.
    const std::filesystem::path noop_program = bench_itself.parent_path() / "noop_static";

    // `launcher` is the suite's for `backend`, unless a variant names its own executable.
    auto register_backend = [&](Backend backend, Api api, unsigned workers, std::size_t mib,
                                std::optional<Launcher> launcher = std::nullopt) {
        BenchmarkName name("create", to_string(backend));
        name.param("workers", workers).param("parent_mib", mib);
        if (api == Api::worker_class) name.param("api", "class");
        if (launcher) name.param("exe", "bench");
        auto* registered = configure(benchmark::RegisterBenchmark(
            name.str().c_str(), create_workers, launcher.value_or(options.launcher(backend)), api, workers, mib));
        if (!options.full_sweep(backend)) registered->MinTime(short_sweep_min_time);
    };
    auto raw_name = [](std::string_view baseline, unsigned workers, std::size_t mib) {
        return BenchmarkName("create", baseline).param("workers", workers).param("parent_mib", mib).str();
    };

    // The back-ends on a shorter sweep (options.full_sweep) and the raw vfork
    // loop run two points: one worker with an empty parent, and 4 workers with
    // the largest parent; enough for their ratio to the raw loop and for how
    // little the parent's size matters to them, in a short default run.
    // They, and raw_vfork beside them, also run 0.1 s per repetition: the
    // default run of these variants stays within a minute.
    const std::size_t largest_parent = std::end(parent_sizes_mib)[-1];
    const std::vector<Backend> backends = options.backends(all_backends);
    for (unsigned workers : worker_counts) {
        for (Backend backend : backends)
            if (options.full_sweep(backend) || workers == 1) register_backend(backend, Api::function, workers, 0);
        configure(benchmark::RegisterBenchmark(raw_name("raw_pthread", workers, 0).c_str(), raw_pthread, workers));
        configure(
            benchmark::RegisterBenchmark(raw_name("raw_fork", workers, 0).c_str(), raw_fork, workers, std::size_t{0}));
        configure(benchmark::RegisterBenchmark(raw_name("raw_posix_spawn", workers, 0).c_str(), raw_posix_spawn,
                                               workers, std::size_t{0}, noop_program));
        if (workers == 1)
            configure(benchmark::RegisterBenchmark(raw_name("raw_vfork", workers, 0).c_str(), raw_vfork, workers,
                                                   std::size_t{0}, noop_program))
                ->MinTime(short_sweep_min_time);
    }
    for (std::size_t mib : parent_sizes_mib) {
        for (Backend backend : backends)
            if (options.full_sweep(backend) || mib == largest_parent)
                register_backend(backend, Api::function, parent_sweep_workers, mib);
        configure(benchmark::RegisterBenchmark(raw_name("raw_fork", parent_sweep_workers, mib).c_str(), raw_fork,
                                               parent_sweep_workers, mib));
        configure(benchmark::RegisterBenchmark(raw_name("raw_posix_spawn", parent_sweep_workers, mib).c_str(),
                                               raw_posix_spawn, parent_sweep_workers, mib, noop_program));
        if (mib == largest_parent)
            configure(benchmark::RegisterBenchmark(raw_name("raw_vfork", parent_sweep_workers, mib).c_str(), raw_vfork,
                                                   parent_sweep_workers, mib, noop_program))
                ->MinTime(short_sweep_min_time);
    }
    // The chapter's second example: a Worker subclass overriding run().
    for (Backend backend : backends)
        if (options.full_sweep(backend)) register_backend(backend, Api::worker_class, parent_sweep_workers, 0);
    // Re-executing the big, dynamically linked bench binary instead of the lean
    // worker: what spawning costs when the child must load Google Benchmark & co.
    if (std::find(backends.begin(), backends.end(), Backend::posix_spawn) != backends.end())
        register_backend(Backend::posix_spawn, Api::function, parent_sweep_workers, 0,
                         Launcher(Backend::posix_spawn, bench_itself));
    register_create_split_benchmarks(options);
}

}  // namespace tvp::bench
