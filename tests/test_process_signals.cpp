// The signal state bench starts from, whatever its parent left it.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

#include "bench_child.hpp"
#include "os/process_signals.hpp"

namespace tvp {
namespace {

// Every test runs in the signal state bench gives itself at start (so a pipe
// whose reader died is an error to report, EPIPE, as in bench).
class BenchSignalState : public ::testing::Environment {
public:
    void SetUp() override { reset_inherited_signal_state(); }
};
const auto* const bench_signal_state = ::testing::AddGlobalTestEnvironment(new BenchSignalState);

bool ignored(int signal) {
    struct sigaction current {};
    ::sigaction(signal, nullptr, &current);
    return current.sa_handler == SIG_IGN;
}

void block(std::initializer_list<int> signals) {
    sigset_t set;
    sigemptyset(&set);
    for (int signal : signals) sigaddset(&set, signal);
    ::sigprocmask(SIG_BLOCK, &set, nullptr);
}

// Runs `check` in a forked child (signal state is process-wide) and returns
// its exit code: 0 when every check held.
template <class Check>
int in_child(Check check) {
    const pid_t pid = ::fork();
    if (pid == 0) ::_exit(check());
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

TEST(ProcessSignals, ResetGivesDefaultsIgnoresSigpipeAndUnblocksEverything) {
    const int failed = in_child([] {
        ::signal(SIGCHLD, SIG_IGN);
        ::signal(SIGPIPE, SIG_DFL);
        ::signal(SIGABRT, SIG_IGN);
        ::signal(SIGUSR1, SIG_IGN);
        ::signal(SIGHUP, SIG_IGN);
        block({SIGABRT, SIGTERM, SIGCHLD});
        reset_inherited_signal_state();
        sigset_t mask;
        ::sigprocmask(SIG_BLOCK, nullptr, &mask);
        struct sigaction child {};
        ::sigaction(SIGCHLD, nullptr, &child);
        int failures = 0;
        if (child.sa_handler != SIG_DFL || (child.sa_flags & SA_NOCLDWAIT)) failures |= 1;
        if (!ignored(SIGPIPE)) failures |= 2;
        if (ignored(SIGABRT) || ignored(SIGUSR1)) failures |= 4;
        if (!ignored(SIGHUP)) failures |= 8;  // nohup's choice is kept
        if (sigismember(&mask, SIGABRT) || sigismember(&mask, SIGTERM) || sigismember(&mask, SIGCHLD)) failures |= 16;
        return failures;
    });
    EXPECT_EQ(failed, 0) << "bits: 1 SIGCHLD, 2 SIGPIPE, 4 ignored ones reset, 8 SIGHUP kept, 16 mask";
}

// A parent may start bench with SIGCHLD ignored (the kernel then reaps every
// child at once, and waitpid fails with ECHILD) and with signals blocked (a
// spawned worker inherits the mask: a blocked SIGABRT cannot crash it on cue).
TEST(ProcessSignals, BenchRunsWithSigchldIgnoredAndSignalsBlocked) {
    const auto run = testing::run_bench_child(
        {"--benchmark_filter=^create/fork/workers:1/parent_mib:0|^isolation/posix_spawn/", "--benchmark_min_time=0.01",
         "--benchmark_format=json"},
        [] {
            ::signal(SIGCHLD, SIG_IGN);
            block({SIGCHLD, SIGABRT, SIGTERM, SIGALRM});
            return true;
        },
        std::chrono::seconds(90), false);
    ASSERT_FALSE(run.timed_out) << run.output;
    EXPECT_EQ(run.exit_code, 0) << run.output;
    for (const char* name : {"create/fork/workers:1/parent_mib:0/real_time", "isolation/posix_spawn/workers:4"})
        EXPECT_NE(run.output.find(name), std::string::npos) << name << "\n" << run.output;
    EXPECT_EQ(run.output.find("error_occurred"), std::string::npos) << run.output;
    EXPECT_EQ(testing::count_json_documents(run.output), 1) << run.output;
}

}  // namespace
}  // namespace tvp
