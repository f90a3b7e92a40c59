// The bench binary's command line, run as a user would run it.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <cstdio>
#include <memory>
#include <vector>
#include <sstream>
#include <regex>
#include <map>

#include "bench_runner.hpp"

namespace tvp {
namespace {

using testing::CommandResult;
using testing::run_bench;

void expect_usage_error(const std::string& arguments, const std::string& message_part) {
    const CommandResult result = run_bench(arguments, 20);
    EXPECT_EQ(result.exit_code, 2) << arguments << "\n" << result.output;
    EXPECT_NE(result.output.find(message_part), std::string::npos) << result.output;
    EXPECT_EQ(std::count(result.output.begin(), result.output.end(), '\n'), 1) << "one line: " << result.output;
}

TEST(BenchCommandLine, RejectsBadInputWithExitCode2) {
    expect_usage_error("--no_such_flag", "unknown flag '--no_such_flag'");
    expect_usage_error("--workers=0", "--workers: 0 workers");
    expect_usage_error("--workers=-3", "--workers: -3 workers");
    expect_usage_error("--workers=2,x", "'x' is not a whole number");
    expect_usage_error("--n=ten", "'ten' is not a whole number");
    expect_usage_error("--n=", "'' is not a whole number");
    expect_usage_error("--n=0", "give at least 1");
    expect_usage_error("--n=20000000000000", "would overflow 128 bits");
    expect_usage_error("--benchmark_no_such_flag=1", "unrecognized command-line flag");
}

TEST(BenchCommandLine, RejectsAnUnknownBackEndWithExitCode2) {
    expect_usage_error("--backends=fibre", "--backends: unknown back-end 'fibre'");
    expect_usage_error("--backends=vfork,,clone3", "--backends: unknown back-end ''");
    expect_usage_error("--backends=", "--backends: unknown back-end ''");
}

// The benchmarks bench would run with these flags, one name a line.
std::string listed(const std::string& arguments) {
    const CommandResult result = run_bench(arguments + " --benchmark_list_tests=true", 20);
    EXPECT_EQ(result.exit_code, 0) << arguments << "\n" << result.output;
    return result.output;
}

bool lists(const std::string& listing, const std::string& name_part) {
    return listing.find(name_part) != std::string::npos;
}

TEST(BenchCommandLine, TheNewBackEndsRunByDefaultOnlyInCreateSumsqAndIsolation) {
    const std::string all = listed("");
    for (const char* name :
         {"create/vfork/workers:1/parent_mib:0", "create/clone3/workers:4/parent_mib:512",
          "create/raw_vfork/workers:1/parent_mib:0", "create_split/boost_process_vfork/parent_mib:512",
          "sumsq/clone3/workers:4/", "isolation/vfork/workers:4", "isolation/clone3/detect:robust_mutex",
          "isolation/fork/detect:signalfd"})
        EXPECT_TRUE(lists(all, name)) << name;
    for (const char* name : {"pipe/vfork/", "queue/clone3/", "manager/boost_process_vfork/", "memory/vfork/",
                             "iobound/clone3/", "isolation/thread/detect:", "create/vfork/workers:64/"})
        EXPECT_FALSE(lists(all, name)) << name;
}

TEST(BenchCommandLine, BackendsSelectsTheBackEndsOfEveryScenario) {
    const std::string chosen = listed("--backends=vfork,fork");
    for (const char* name :
         {"pipe/vfork/", "pipe/fork/", "manager/vfork/", "create/vfork/workers:64/parent_mib:0", "create/raw_pthread/",
          "sumsq/vfork/workers:1/", "pool/fork/", "cow/fork/", "create/fork/workers:1/parent_mib:512/pages:4k/"})
        EXPECT_TRUE(lists(chosen, name)) << name;
    for (const char* name :
         {"pipe/thread/", "pipe/posix_spawn/", "create/thread/", "sumsq/clone3/",
          "create/posix_spawn/workers:4/parent_mib:0/exe:bench", "pool/thread/", "pool/vfork/", "cow/thread/"})
        EXPECT_FALSE(lists(chosen, name)) << name;
}

// The back-end table is the one list: every row is listed, named in the help,
// accepted by --backends and found in the benchmarks it selects.
TEST(BenchCommandLine, TheBackEndTableDrivesTheListingTheHelpAndBackends) {
    const CommandResult listing = run_bench("--list-backends");
    const CommandResult help = run_bench("--help");
    ASSERT_EQ(listing.exit_code, 0) << listing.output;
    for (const BackendInfo& row : backend_table) {
        EXPECT_NE(listing.output.find(std::string(row.name) + " "), std::string::npos) << row.name;
        EXPECT_NE(listing.output.find(std::string(row.description)), std::string::npos) << row.name;
        EXPECT_NE(help.output.find(std::string(row.name)), std::string::npos) << row.name;
        const CommandResult selected =
            run_bench("--backends=" + std::string(row.name) + " --benchmark_filter='^sumsq/' --benchmark_list_tests");
        EXPECT_EQ(selected.exit_code, 0) << selected.output;
        EXPECT_NE(selected.output.find("sumsq/" + std::string(row.name) + "/"), std::string::npos) << selected.output;
    }
    EXPECT_EQ(std::count(listing.output.begin(), listing.output.end(), '\n'), 1 + std::ssize(backend_table));
}

// The scenario table (bench/scenarios.hpp) is the one list: each of bench's
// rows selects benchmarks, and every benchmark bench registers belongs to
// exactly one scenario.
TEST(BenchCommandLine, EveryBenchmarkBelongsToExactlyOneScenarioOfTheTable) {
    const CommandResult listing = run_bench("--list-scenarios");
    ASSERT_EQ(listing.exit_code, 0) << listing.output;
    const CommandResult all = run_bench("--benchmark_list_tests");
    ASSERT_EQ(all.exit_code, 0);
    std::map<std::string, int> owners;
    std::istringstream names(all.output);
    for (std::string name; std::getline(names, name);) owners[name] = 0;
    std::istringstream rows(listing.output);
    int bench_rows = 0;
    for (std::string row; std::getline(rows, row);) {
        std::vector<std::string> fields;
        std::istringstream cells(row);
        for (std::string cell; std::getline(cells, cell, '\t');) fields.push_back(cell);
        ASSERT_EQ(fields.size(), 5u) << "name, program, filter, quick filter, about: " << row;
        if (fields[1] != "bench") continue;
        ++bench_rows;
        const std::regex filter{fields[2]};
        int selected = 0;
        for (auto& [name, count] : owners)
            if (std::regex_search(name, filter)) ++count, ++selected;
        EXPECT_GT(selected, 0) << fields[0] << " selects nothing";
    }
    EXPECT_GE(bench_rows, 12);
    for (const auto& [name, count] : owners) EXPECT_EQ(count, 1) << name << " is in " << count << " scenarios";
}

TEST(BenchCommandLine, HelpDescribesTheSuiteFlagsAndGoogleBenchmarks) {
    const CommandResult result = run_bench("--help");
    EXPECT_EQ(result.exit_code, 0);
    for (const char* flag :
         {"--n=", "--workers=", "--backends=", "--worker_exe=", "--benchmark_filter", "--benchmark_repetitions"})
        EXPECT_NE(result.output.find(flag), std::string::npos) << flag;
}

TEST(BenchCommandLine, TheChaptersCaseRunsAndIsExact) {
    const CommandResult result =
        run_bench("--benchmark_filter=sumsq --n=100000 --workers=4 --benchmark_min_time=0.01 --benchmark_format=json");
    EXPECT_EQ(result.exit_code, 0) << result.output;
    for (const char* name : {"sumsq/thread/workers:4/n:100000", "sumsq/fork/workers:4/n:100000",
                             "sumsq/posix_spawn/workers:4/n:100000", "sumsq/boost_process/workers:4/n:100000"})
        EXPECT_NE(result.output.find(name), std::string::npos) << name;
    EXPECT_EQ(result.output.find("sumsq_kernel"), std::string::npos) << "--n and --workers run those cases alone";
    EXPECT_EQ(result.output.find("error_occurred"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("sum=333328333350000"), std::string::npos);  // 99999*100000*199999/6
}

TEST(BenchCommandLine, RefusesAWorkerProgramThatIsNotTheSuitesWorker) {
    expect_usage_error("--worker_exe=/nonexistent/tvp_worker", "'/nonexistent/tvp_worker' does not exist");
    expect_usage_error("--worker_exe=/etc/passwd", "'/etc/passwd' is not executable");
    expect_usage_error("--worker_exe=/tmp", "'/tmp' is not a regular file");
    expect_usage_error("--worker_exe=/bin/true", "did not answer the handshake");
    // Whatever the program says on stderr ("cat: handshake: No such file") stays out of the one line.
    expect_usage_error("--worker_exe=/bin/cat", "did not answer the handshake");
    // An empty path (an unset variable in a script) is not a request for the default worker.
    expect_usage_error("--worker_exe= --benchmark_list_tests=true", "--worker_exe: give the path");
}

// A program that answers the handshake but never ends (its reply is right, its
// exit never comes) is refused within the handshake's time limit: bench must
// not wait for it forever.
TEST(BenchCommandLine, RefusesAWorkerProgramThatAnswersButDoesNotEnd) {
    const std::filesystem::path script =
        std::filesystem::temp_directory_path() / ("tvp-answers-and-hangs-" + std::to_string(::getpid()));
    {
        std::ofstream file(script);
        // The right answer to the challenge (argument 2), computed as the worker does, then no end.
        file << "#!/bin/sh\n/usr/bin/python3 -c 'import sys\nc, m = int(sys.argv[1]), (1 << 64) - 1\n"
                "z = (c + 0x9e3779b97f4a7c15) & m\nz = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & m\n"
                "z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & m\nprint(\"tvp_worker handshake 2\", z ^ (z >> 31), "
                "flush=True)' \"$2\"\nexec sleep 60\n";
    }
    std::filesystem::permissions(script, std::filesystem::perms::owner_all);
    expect_usage_error("--worker_exe=" + script.string() + " --benchmark_list_tests=true",
                       "did not answer the handshake");
    std::filesystem::remove(script);
}

// A stub that prints the reply line and "succeeds" at every task would be
// timed as the worker (creation in no time, every run "verified"): the reply
// must answer bench's fresh challenge, which a fixed line cannot.
TEST(BenchCommandLine, RefusesAStubThatPrintsAReplyWithoutAnsweringTheChallenge) {
    const std::filesystem::path script =
        std::filesystem::temp_directory_path() / ("tvp-stub-worker-" + std::to_string(::getpid()));
    {
        std::ofstream file(script);
        file << "#!/bin/sh\n[ \"$1\" = handshake ] && echo 'tvp_worker handshake 2 1234567'\nexit 0\n";
    }
    std::filesystem::permissions(script, std::filesystem::perms::owner_all);
    expect_usage_error("--worker_exe=" + script.string() + " --benchmark_filter='^create/posix_spawn/workers:1/'",
                       "did not answer the handshake");
    std::filesystem::remove(script);
}

// A wrapper that runs the worker as a child of its own, instead of exec'ing it,
// answers the handshake only if the check runs it unlike the benchmarks do: its
// workers die at once (their parent is not bench) and the manager server
// refuses them. It is refused at start, in one line, not in every benchmark.
TEST(BenchCommandLine, RefusesAWrapperThatRunsTheWorkerAsItsOwnChild) {
    const std::filesystem::path script =
        std::filesystem::temp_directory_path() / ("tvp-wraps-without-exec-" + std::to_string(::getpid()));
    {
        std::ofstream file(script);
        file << "#!/bin/sh\n'" << (testing::build_directory() / "tvp_worker").string() << "' \"$@\"\n";
    }
    std::filesystem::permissions(script, std::filesystem::perms::owner_all);
    expect_usage_error("--worker_exe=" + script.string() + " --benchmark_list_tests=true",
                       "did not answer the handshake");
    std::filesystem::remove(script);
}

TEST(BenchCommandLine, AcceptsTheWorkerProgramAndBenchItself) {
    const std::string filter =
        " --benchmark_filter='^create/posix_spawn/workers:1/parent_mib:0/real_time$' "
        "--benchmark_min_time=0.01 --benchmark_format=json";
    for (const char* program : {"tvp_worker", "bench"}) {
        const CommandResult result =
            run_bench("--worker_exe=" + (testing::build_directory() / program).string() + filter);
        EXPECT_EQ(result.exit_code, 0) << program << "\n" << result.output;
        EXPECT_EQ(result.output.find("error_occurred"), std::string::npos) << result.output;
    }
}

// True once `condition` holds, polling for up to `seconds`.
template <class Condition>
bool eventually(Condition condition, int seconds) {
    for (int i = 0; i < seconds * 100; ++i) {
        if (condition()) return true;
        ::usleep(10'000);
    }
    return condition();
}

bool has_segments_of(pid_t pid) {
    const std::string prefix = "tvp-" + std::to_string(pid) + "-";
    for (const auto& entry : std::filesystem::directory_iterator("/dev/shm"))
        if (entry.path().filename().string().starts_with(prefix)) return true;
    return false;
}

TEST(BenchCommandLine, AKilledBenchLeavesNothingInDevShm) {
    const std::string bench = (testing::build_directory() / "bench").string();
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int null = ::open("/dev/null", O_WRONLY);
        ::dup2(null, STDOUT_FILENO);
        ::dup2(null, STDERR_FILENO);
        ::execl(bench.c_str(), bench.c_str(), "--benchmark_filter=manager/fork/store:shm/workers:1/mix:write",
                "--benchmark_min_time=60", static_cast<char*>(nullptr));
        ::_exit(127);
    }
    ASSERT_TRUE(eventually([&] { return has_segments_of(pid); }, 20)) << "the benchmark never made its segment";
    ::kill(pid, SIGKILL);  // no destructor runs: only the janitor can clean up
    ::waitpid(pid, nullptr, 0);
    EXPECT_TRUE(eventually([&] { return !has_segments_of(pid); }, 10)) << "a segment of the killed bench was left";
}

TEST(BenchCommandLine, RunsAsAWorkerWhenGivenATaskName) { EXPECT_EQ(run_bench("exit_with 5").exit_code, 5); }

}  // namespace
}  // namespace tvp
