// bench killed by SIGINT, SIGTERM or SIGKILL in the middle of a benchmark
// leaves nothing behind: no segment in /dev/shm, no queue in /dev/mqueue, and
// no process of its own (peers, workers, the janitor) two seconds later.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "process/backend.hpp"
#include "process_tree.hpp"
#include "test_support.hpp"

namespace tvp {
namespace {

using namespace std::chrono_literals;
using testing::describe;

struct KillCase {
    std::string name;                    // the test's name
    std::string filter;                  // one benchmark
    std::vector<std::string> keep_busy;  // flags that keep it running for long
    int signal;
};

void PrintTo(const KillCase& kill_case, std::ostream* out) { *out << kill_case.filter; }

// The queue, pipe and manager scenarios run the default back-ends (backend.hpp).
std::vector<Backend> default_process_backends() {
    std::vector<Backend> backends;
    for (Backend backend : default_backends)
        if (backend != Backend::thread) backends.push_back(backend);
    return backends;
}

std::string signal_name(int signal) { return signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "SIGKILL"; }

// bench with default SIGINT and SIGTERM and no signal blocked, whatever this
// test inherited (a shell starts background jobs with SIGINT ignored).
pid_t start_bench(const KillCase& kill_case) {
    const std::string bench = (testing::build_directory() / "bench").string();
    std::vector<std::string> words{bench, "--benchmark_filter=" + kill_case.filter};
    words.insert(words.end(), kill_case.keep_busy.begin(), kill_case.keep_busy.end());
    std::vector<char*> argv;
    for (std::string& word : words) argv.push_back(word.data());
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::signal(SIGINT, SIG_DFL);
        ::signal(SIGTERM, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        const int null = ::open("/dev/null", O_WRONLY);
        ::dup2(null, STDOUT_FILENO);
        ::dup2(null, STDERR_FILENO);
        ::execv(bench.c_str(), argv.data());
        ::_exit(127);
    }
    return pid;
}

class KillCleanupTest : public ::testing::TestWithParam<KillCase> {};

TEST_P(KillCleanupTest, LeavesNoNameAndNoProcess) {
    if (auto reason = testing::mqueue_unavailable()) GTEST_SKIP() << *reason;
    const KillCase& kill_case = GetParam();
    const testing::Subreaper subreaper;
    const pid_t bench = start_bench(kill_case);
    ASSERT_GT(bench, 0);
    // The janitor is bench's first child; a second one is the peer or a worker:
    // the benchmark runs. Kill it a little later, inside its loop.
    const bool running = testing::eventually([&] { return testing::children_of(bench).size() >= 2; }, 10s);
    std::this_thread::sleep_for(100ms);
    ::kill(bench, kill_case.signal);
    const bool ended = testing::eventually([&] { return ::waitpid(bench, nullptr, WNOHANG) == bench; }, 5s);
    const auto bench_ended = std::chrono::steady_clock::now();

    // Whatever bench started comes back to this process once bench is gone.
    const testing::Reaped reaped = testing::reap_children(2s);
    std::vector<pid_t> owners = reaped.pids;
    owners.push_back(bench);
    const auto left = testing::names_of(owners);
    const std::string survivors = describe(testing::children_of(::getpid()));
    testing::kill_remaining_children();
    for (const auto& path : left) std::filesystem::remove(path);

    ASSERT_TRUE(running) << "the benchmark never started its peer or workers";
    ASSERT_TRUE(ended) << "bench did not end on " << signal_name(kill_case.signal);
    EXPECT_TRUE(reaped.all_gone) << "still running 2 s after bench ended: " << survivors;
    EXPECT_LT(std::chrono::steady_clock::now() - bench_ended, 3s);
    EXPECT_TRUE(left.empty()) << "left behind: " << describe(left);
}

// Every mechanism on each process back-end, the signals taking turns so that
// each mechanism and each back-end meets all three (a Latin square: 18 runs).
std::vector<KillCase> kill_cases() {
    const std::vector<std::string> repeat = {"--benchmark_repetitions=100000"};  // IPC cases fix MinTime
    struct Mechanism {
        const char* name;
        const char* scenario;
        const char* wait;  // "" where the mechanism has no wait modes
    };
    const Mechanism mechanisms[] = {{"posix_mq", "queue", ""},     {"bip_mq", "queue", ""},
                                    {"shm_ring", "queue", "spin"}, {"shm_ring", "queue", "block"},
                                    {"pipe", "pipe", ""},          {"socketpair", "pipe", ""}};
    const int signals[] = {SIGINT, SIGTERM, SIGKILL};
    std::vector<KillCase> cases;
    int row = 0;
    for (const Mechanism& mechanism : mechanisms) {
        int column = 0;
        for (Backend backend : default_process_backends()) {
            const std::string backend_name(to_string(backend));
            std::string filter = std::string("^") + mechanism.scenario + "/" + backend_name + "/" + mechanism.name +
                                 "/bytes:8/cpus:any/" +
                                 (*mechanism.wait ? std::string("wait:") + mechanism.wait + "/" : "") + "latency";
            const int signal = signals[(row + column++) % 3];
            cases.push_back({.name = backend_name + "_" + mechanism.name +
                                     (*mechanism.wait ? std::string("_") + mechanism.wait : "") + "_" +
                                     signal_name(signal),
                             .filter = filter,
                             .keep_busy = repeat,
                             .signal = signal});
        }
        ++row;
    }
    // The manager's shared store keeps its named segment for the whole run.
    int column = 0;
    for (Backend backend : default_process_backends()) {
        const std::string backend_name(to_string(backend));
        const int signal = signals[column++ % 3];
        cases.push_back({.name = backend_name + "_manager_store_shm_" + signal_name(signal),
                         .filter = "^manager/" + backend_name + "/store:shm/workers:1/mix:write",
                         .keep_busy = {"--benchmark_min_time=60"},
                         .signal = signal});
    }
    return cases;
}

INSTANTIATE_TEST_SUITE_P(Bench, KillCleanupTest, ::testing::ValuesIn(kill_cases()),
                         [](const ::testing::TestParamInfo<KillCase>& info) { return info.param.name; });

}  // namespace
}  // namespace tvp
