#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>

#include "launch/demo_tasks.hpp"
#include "launch/launcher.hpp"
#include "os/shared_memory.hpp"
#include "task/task_registry.hpp"
#include "task/typed_task.hpp"
#include "test_support.hpp"
#include "test_tasks.hpp"

namespace tvp {
namespace {

// Counters in a named segment: visible to threads, forked and spawned children.
class Counters {
public:
    Counters() : segment_(SharedMemory::create_named(8 * sizeof(std::uint64_t))) {}
    std::uint64_t operator[](std::size_t i) const {
        return std::atomic_ref<std::uint64_t>(segment_.as<std::uint64_t>()[i]).load();
    }
    void increment(std::size_t i) { std::atomic_ref<std::uint64_t>(segment_.as<std::uint64_t>()[i]).fetch_add(1); }
    Task increment_task(std::size_t i) const {
        return named_task(IncrementCounterTask{.segment = segment_.name(), .index = i});
    }
    const std::string& name() const { return segment_.name(); }

private:
    SharedMemory segment_;
};

Task named(std::string name, std::vector<std::string> args = {}) {
    return {.name = std::move(name), .args = std::move(args), .function = {}};
}

class LauncherTest : public testing::LeakCheckedTest, public ::testing::WithParamInterface<Backend> {
protected:
    // The test-only worker program: it runs the tests' probes as well as the suite's tasks.
    Launcher launcher{GetParam(), testing::test_worker_program()};
};
// Back-ends that run a function in-process or in a fork: thread, fork.
using FunctionLauncherTest = LauncherTest;
// Back-ends that exec the worker executable: posix_spawn, boost_process, vfork, clone3, boost_process_vfork.
using SpawnLauncherTest = LauncherTest;
// Back-ends whose workers are processes: fork and the spawned ones.
using ProcessLauncherTest = LauncherTest;

TEST_P(LauncherTest, RunsANamedTaskExactlyOnce) {
    Counters counters;
    EXPECT_TRUE(launcher.start(counters.increment_task(0))->join().success());
    EXPECT_EQ(counters[0], 1u);
}

TEST_P(LauncherTest, RunsManyWorkersStartedBeforeAnyIsJoined) {
    Counters counters;
    std::vector<Task> tasks;
    for (std::size_t i = 0; i < 5; ++i) tasks.push_back(counters.increment_task(i % 2));
    run_all(launcher, tasks);
    EXPECT_EQ(counters[0], 3u);
    EXPECT_EQ(counters[1], 2u);
}

TEST_P(FunctionLauncherTest, RunsAFunctionExactlyOnce) {
    Counters counters;
    // A forked child that returned into this code would increment counter 1 too.
    auto worker = launcher.start({.name = {}, .args = {}, .function = [&] {
                                      counters.increment(0);
                                      return 0;
                                  }});
    counters.increment(1);
    EXPECT_TRUE(worker->join().success());
    EXPECT_EQ(counters[0], 1u);
    EXPECT_EQ(counters[1], 1u);
}

TEST_P(SpawnLauncherTest, RejectsATaskWithoutAName) {
    EXPECT_THROW(launcher.start({.name = {}, .args = {}, .function = [] { return 0; }}), std::invalid_argument);
}

TEST_P(LauncherTest, TheWorkerClassRunsExactlyOnce) {
    Counters counters;
    CounterWorker worker(counters.name(), 2);
    worker.start(launcher);
    EXPECT_TRUE(worker.join().success());
    EXPECT_EQ(counters[2], 1u);
}

TEST_P(LauncherTest, ReportsTheExitCode) {
    const ExitStatus status = launcher.start(named("exit_with", {"3"}))->join();
    EXPECT_EQ(status, ExitStatus::exited(3));
    EXPECT_EQ(status.describe(), "exited with code 3");
}

TEST_P(LauncherTest, RunAllNamesTheWorkerThatFailed) {
    std::vector<Task> tasks{named("noop"), named("exit_with", {"4"})};
    try {
        run_all(launcher, tasks);
        FAIL() << "expected std::runtime_error";
    } catch (const std::runtime_error& error) {
        EXPECT_STREQ(error.what(), "worker 2 of 2 exited with code 4");
    }
}

TEST_P(ProcessLauncherTest, ReportsTheSignalThatKilledAProcess) {
    const ExitStatus status = launcher.start(named("raise_signal", {std::to_string(SIGABRT)}))->join();
    EXPECT_EQ(status, ExitStatus::signaled(SIGABRT));
    EXPECT_NE(status.describe().find("SIGABRT"), std::string::npos);
}

TEST_P(SpawnLauncherTest, AnUnknownTaskEndsTheWorkerWithAUsageError) {
    EXPECT_EQ(launcher.start(named("no_such_task"))->join(), ExitStatus::exited(exit_unknown_task));
}

TEST_P(FunctionLauncherTest, AnUnknownTaskIsRejectedBeforeStarting) {
    EXPECT_THROW(launcher.start(named("no_such_task")), std::invalid_argument);
}

TEST_P(ProcessLauncherTest, AnAbandonedWorkerIsStoppedAndReaped) {
    const auto start = std::chrono::steady_clock::now();
    { auto worker = launcher.start(named("sleep_ms", {"60000"})); }
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST(ThreadLauncher, ATasksExceptionReachesJoin) {
    const Launcher launcher(Backend::thread);
    auto worker =
        launcher.start({.name = {}, .args = {}, .function = []() -> int { throw std::runtime_error("boom"); }});
    EXPECT_THROW(worker->join(), std::runtime_error);
}

std::string backend_name(const ::testing::TestParamInfo<Backend>& info) { return std::string(to_string(info.param)); }

std::vector<Backend> spawned_backends() {
    std::vector<Backend> spawned;
    for (Backend backend : all_backends)
        if (runs_worker_executable(backend)) spawned.push_back(backend);
    return spawned;
}

INSTANTIATE_TEST_SUITE_P(AllBackends, LauncherTest, ::testing::ValuesIn(all_backends), backend_name);
INSTANTIATE_TEST_SUITE_P(InProcessOrForked, FunctionLauncherTest, ::testing::Values(Backend::thread, Backend::fork),
                         backend_name);
INSTANTIATE_TEST_SUITE_P(Spawned, SpawnLauncherTest, ::testing::ValuesIn(spawned_backends()), backend_name);
INSTANTIATE_TEST_SUITE_P(Processes, ProcessLauncherTest, ::testing::ValuesIn(process_backends), backend_name);

// --- Starting a worker executable that cannot run. ---

using SpawnFailureTest = SpawnLauncherTest;

void expect_spawn_error(Backend backend, const std::filesystem::path& executable, int expected_errno) {
    if (testing::vfork_is_fork_here(backend))
        GTEST_SKIP() << "ThreadSanitizer turns vfork into fork, so the child's exec error cannot reach the parent "
                        "through the memory vfork shares";
    const Launcher launcher(backend, executable);
    try {
        launcher.start(named("noop"));
        FAIL() << "expected std::system_error";
    } catch (const std::system_error& error) {
        const std::string what = error.what();
        EXPECT_EQ(error.code().value(), expected_errno) << what;
        EXPECT_NE(what.find(executable.string()), std::string::npos) << what;
        EXPECT_NE(what.find(std::strerror(expected_errno)), std::string::npos) << what;
    }
}

TEST_P(SpawnFailureTest, MissingExecutableNamesThePathAndTheError) {
    expect_spawn_error(GetParam(), "/nonexistent/tvp_worker", ENOENT);
}

TEST_P(SpawnFailureTest, NonExecutableFileNamesThePathAndTheError) {
    const auto path = std::filesystem::temp_directory_path() / ("tvp-not-executable-" + std::to_string(::getpid()));
    std::ofstream(path) << "not a program\n";
    std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    expect_spawn_error(GetParam(), path, EACCES);
    std::filesystem::remove(path);
}

INSTANTIATE_TEST_SUITE_P(Spawned, SpawnFailureTest, ::testing::ValuesIn(spawned_backends()), backend_name);

TEST(Backend, NamesRoundTrip) {
    for (Backend backend : all_backends) EXPECT_EQ(parse_backend(to_string(backend)), backend);
    EXPECT_EQ(parse_backend("fibre"), std::nullopt);
    // The lists derived from the table: every back-end once, thread the one in-process one.
    EXPECT_EQ(all_backends.size(), backend_table.size());
    EXPECT_EQ(process_backends.size() + 1, all_backends.size());
    EXPECT_TRUE(shares_address_space(Backend::thread));
    EXPECT_EQ(default_backends.size() + optional_backends.size(), all_backends.size());
}

}  // namespace
}  // namespace tvp

namespace tvp {
namespace {

// The suite's worker ships only what the scenarios run; the tests' probes live
// in the test-only worker program.
TEST(WorkerPrograms, OnlyTheTestWorkerRunsTheTestsProbes) {
    const Task sleep = named_task(SleepMsTask{.milliseconds = 1});
    const Launcher suite_worker(Backend::posix_spawn);
    const Launcher test_worker(Backend::posix_spawn, testing::test_worker_program());
    EXPECT_EQ(suite_worker.start(sleep)->join(), ExitStatus::exited(exit_unknown_task));
    EXPECT_EQ(test_worker.start(sleep)->join(), ExitStatus::exited(0));
    EXPECT_EQ(test_worker.start(named_task(ExitWithTask{.code = 9}))->join(), ExitStatus::exited(9));
}

}  // namespace
}  // namespace tvp
