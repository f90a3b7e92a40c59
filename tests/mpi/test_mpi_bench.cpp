// bench_mpi as a user runs it, under mpirun: how it refuses to run, that every
// scenario on 2 ranks reports verified results, that a failure or a death on
// one rank ends in an error naming it (no hang), and that nothing is left
// behind. ctest runs these one at a time (RESOURCE_LOCK openmpi): Open MPI 4's
// session directories race when jobs start together.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "test_support.hpp"

namespace {

namespace fs = std::filesystem;
using tvp::testing::build_directory;

struct CommandResult {
    int exit_code = -1;  // 124: killed by the time limit
    std::string output;  // stdout and stderr together
    double seconds = 0;
};

CommandResult run_command(const std::string& command, int time_limit_seconds = 120) {
    const auto start = std::chrono::steady_clock::now();
    const std::string bounded = "timeout -k 5 " + std::to_string(time_limit_seconds) + " " + command + " 2>&1";
    CommandResult result;
    FILE* pipe = ::popen(bounded.c_str(), "r");
    if (pipe == nullptr) return result;
    char buffer[4096];
    while (std::size_t read = std::fread(buffer, 1, sizeof buffer, pipe)) result.output.append(buffer, read);
    const int status = ::pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
}

std::string bench_mpi() { return (build_directory() / "bench_mpi").string(); }

// The mpirun line the suite uses, for `ranks` ranks over `btl` (over TCP with
// the one-sided component pt2pt, so that the manager's window crosses TCP too).
std::string mpirun(int ranks, const std::string& btl, const std::string& extra = "");

// bench_mpi under mpirun with `flags`, its results written as JSON to `out`.
std::string bench_mpi_to_json(int ranks, const std::string& btl, const std::string& flags, const fs::path& out) {
    return mpirun(ranks, btl) + bench_mpi() + flags + " --benchmark_out=" + out.string() +
           " --benchmark_out_format=json";
}

std::string mpirun(int ranks, const std::string& btl, const std::string& extra) {
    return "mpirun --allow-run-as-root --oversubscribe " + extra + " -np " + std::to_string(ranks) +
           " --mca pml ob1 --mca btl self," + btl + (btl == "tcp" ? " --mca osc pt2pt " : " ");
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream stream(text);
    for (std::string line; std::getline(stream, line);)
        if (!line.empty()) lines.push_back(line);
    return lines;
}

// Whether an mpirun is running on this machine now: after a test's own job has
// ended, that is another job (a concurrent test run, another user), whose
// session directory and segments exist while it runs and are not leftovers.
bool another_mpirun_running() {
    std::error_code error;
    for (const auto& entry : fs::directory_iterator("/proc", error)) {
        std::ifstream comm(entry.path() / "comm");
        std::string name;
        if (std::getline(comm, name) && (name == "mpirun" || name == "orterun" || name == "prterun")) return true;
    }
    return false;
}

// The pid in a session directory's name (".../pid.<P>"), or 0.
pid_t session_owner(const fs::path& path) {
    for (const auto& part : path) {
        const std::string text = part.string();
        if (text.starts_with("pid.")) return static_cast<pid_t>(std::atol(text.c_str() + 4));
    }
    return 0;
}

// What Open MPI leaves when a job does not clean up: its session directories
// (/tmp/ompi.<host>.<uid>/pid.<mpirun's pid>/...) whose mpirun has ended, and
// shared-memory segments (/dev/shm/vader_segment.*) while no mpirun runs.
std::set<std::string> open_mpi_leftovers() {
    std::set<std::string> found;
    const bool other_job = another_mpirun_running();
    for (const char* folder : {"/dev/shm", "/tmp"}) {
        std::error_code error;
        for (const auto& entry : fs::directory_iterator(folder, error)) {
            const std::string name = entry.path().filename();
            if (!other_job && (name.starts_with("vader_segment") || name.starts_with("sm_segment")))
                found.insert(entry.path());
            if (name.starts_with("ompi.")) {  // the session root may stay; what is inside it must go
                for (const auto& inner : fs::recursive_directory_iterator(entry.path(), error)) {
                    const pid_t owner = session_owner(inner.path());
                    if (owner > 0 && ::kill(owner, 0) == 0) continue;  // a job still running
                    found.insert(inner.path());
                }
            }
        }
    }
    return found;
}

struct JsonRun {
    boost::property_tree::ptree results;
    std::vector<boost::property_tree::ptree> benchmarks;
};

JsonRun read_json(const fs::path& path) {
    JsonRun run;
    boost::property_tree::read_json(path.string(), run.results);
    for (const auto& [key, row] : run.results.get_child("benchmarks")) run.benchmarks.push_back(row);
    return run;
}

class MpiBenchTest : public tvp::testing::LeakCheckedTest {
protected:
    fs::path out_ = fs::temp_directory_path() / ("tvp-mpi-test-" + std::to_string(::getpid()) + ".json");
    std::set<std::string> leftovers_before_ = open_mpi_leftovers();
    void TearDown() override {
        fs::remove(out_);
        EXPECT_EQ(open_mpi_leftovers(), leftovers_before_) << "Open MPI left files behind";
        LeakCheckedTest::TearDown();
    }
};

TEST_F(MpiBenchTest, WithoutMpirunItSaysHowToStartItAndExits2) {
    const auto result = run_command(bench_mpi());
    EXPECT_EQ(result.exit_code, 2);
    ASSERT_EQ(lines_of(result.output).size(), 1u) << result.output;
    EXPECT_NE(result.output.find("mpirun -np 2"), std::string::npos) << result.output;
}

TEST_F(MpiBenchTest, BadFlagIsOneLineFromRankZeroAndExit2) {
    // -q: mpirun adds no banner of its own, so the whole output is bench_mpi's.
    const auto quiet = run_command(mpirun(2, "vader", "-q") + bench_mpi() + " --no_such_flag");
    EXPECT_EQ(quiet.exit_code, 2);
    ASSERT_EQ(lines_of(quiet.output).size(), 1u) << quiet.output;
    EXPECT_NE(quiet.output.find("bench_mpi: unknown flag '--no_such_flag'"), std::string::npos) << quiet.output;
    // Without -q mpirun reports the exit code; bench_mpi still says it once, not once per rank.
    const auto loud = run_command(mpirun(2, "vader") + bench_mpi() + " --benchmark_repetitions=0");
    EXPECT_EQ(loud.exit_code, 2);
    const auto lines = lines_of(loud.output);
    EXPECT_EQ(std::count_if(lines.begin(), lines.end(), [](const auto& l) { return l.starts_with("bench_mpi:"); }), 1)
        << loud.output;
}

TEST_F(MpiBenchTest, TransportMustMatchMpirun) {
    const auto result = run_command(mpirun(2, "vader", "-q") + bench_mpi() + " --btl=tcp");
    EXPECT_EQ(result.exit_code, 2);
    ASSERT_EQ(lines_of(result.output).size(), 1u) << result.output;
    EXPECT_NE(result.output.find("--btl=tcp but mpirun was started with --mca btl self,vader"), std::string::npos);
}

// Every scenario, tiny sizes, on both transports: each benchmark verified every iteration.
void expect_every_scenario_verified(const std::string& btl, const fs::path& out) {
    const auto result =
        run_command(bench_mpi_to_json(2, btl,
                                      " --round_trips=50 --sumsq_n=100000 --benchmark_min_time=0.01"
                                      " --benchmark_filter='bytes:(8|65536)/|sumsq|reduce|manager.*mix:write'",
                                      out));
    ASSERT_EQ(result.exit_code, 0) << result.output;
    const JsonRun run = read_json(out);
    EXPECT_EQ(run.results.get<std::string>("context.mpi_btl"), btl);
    EXPECT_EQ(run.results.get<std::string>("context.mpi_ranks"), "2");
    EXPECT_NE(run.results.get<std::string>("context.mpi_library").find("Open MPI"), std::string::npos);
    std::set<std::string> scenarios;
    for (const auto& row : run.benchmarks) {
        const auto name = row.get<std::string>("name");
        EXPECT_FALSE(row.get<bool>("error_occurred", false))
            << name << ": " << row.get<std::string>("error_message", "");
        EXPECT_EQ(row.get<double>("verified", -1), row.get<double>("iterations")) << name;
        EXPECT_NE(name.find("/btl:" + btl + "/"), std::string::npos) << name;
        scenarios.insert(name.substr(0, name.find('/', name.find('/') + 1)));
    }
    EXPECT_EQ(scenarios, (std::set<std::string>{"pingpong/mpi", "pingpong/raw_mpi", "bandwidth/mpi", "sumsq/mpi",
                                                "reduce/raw_mpi", "message_rate/mpi", "manager/mpi"}));
}

TEST_F(MpiBenchTest, EveryScenarioOnTwoRanksIsVerifiedOverSharedMemory) {
    expect_every_scenario_verified("vader", out_);
}
TEST_F(MpiBenchTest, EveryScenarioOnTwoRanksIsVerifiedOverTcp) { expect_every_scenario_verified("tcp", out_); }

TEST_F(MpiBenchTest, ATwoRankBenchmarkOnOneRankIsSkippedWithTheReason) {
    const auto result = run_command(
        bench_mpi_to_json(1, "vader", " --round_trips=10 --benchmark_filter='pingpong/mpi/.*bytes:8/'", out_));
    ASSERT_EQ(result.exit_code, 0) << result.output;
    const JsonRun run = read_json(out_);
    ASSERT_EQ(run.benchmarks.size(), 1u);
    EXPECT_TRUE(run.benchmarks[0].get<bool>("error_occurred", false));
    EXPECT_EQ(run.benchmarks[0].get<std::string>("error_message"),
              "needs 2 ranks; this run has 1: start it with mpirun -np 2");
}

// A failure on rank 1 (not a crash): the run goes on, and each benchmark is an
// error naming rank 1; no rank is left waiting.
TEST_F(MpiBenchTest, AFailureOnOneRankIsAnErrorNamingItAndNoHang) {
    const auto result =
        run_command(bench_mpi_to_json(2, "vader",
                                      " --tvp_test_fail_rank=1 --round_trips=20 --benchmark_min_time=0.01"
                                      " --benchmark_filter='bytes:8/'",
                                      out_),
                    60);
    ASSERT_EQ(result.exit_code, 0) << result.output;
    const JsonRun run = read_json(out_);
    ASSERT_EQ(run.benchmarks.size(), 4u);  // pingpong, raw pingpong, bandwidth, message rate
    for (const auto& row : run.benchmarks) {
        EXPECT_TRUE(row.get<bool>("error_occurred", false)) << row.get<std::string>("name");
        EXPECT_EQ(row.get<std::string>("error_message", ""), "rank 1: failed on purpose (--tvp_test_fail_rank)");
    }
}

// A rank that dies: the job ends within seconds, mpirun names the rank, and
// Open MPI's session directories and segments are gone (checked in TearDown).
TEST_F(MpiBenchTest, ARankThatDiesEndsTheRunNamingItAndLeavesNothing) {
    const auto result = run_command(mpirun(2, "vader") + bench_mpi() +
                                        " --tvp_test_kill_rank=1 --round_trips=1000 --benchmark_filter='pingpong/mpi/'",
                                    60);
    EXPECT_NE(result.exit_code, 0) << result.output;
    EXPECT_NE(result.exit_code, 124) << "the run did not end by itself: " << result.output;
    EXPECT_LT(result.seconds, 20.0);
    EXPECT_NE(result.output.find("bench_mpi: rank 1: aborting mid-benchmark"), std::string::npos) << result.output;
    // mpirun names the rank: "process rank 1 with PID ... exited on signal 6", or,
    // when the rank's exit code reaches it first, "Process name: [[job,1],1]".
    const bool named = result.output.find("process rank 1 with PID") != std::string::npos ||
                       std::regex_search(result.output, std::regex(R"(\[\[\d+,\d+\],1\])"));
    EXPECT_TRUE(named) << result.output;
}

}  // namespace

namespace {

// scripts/suite --mpi-hostfile, on a hostfile that names this host twice: the
// multi-host path (one rank per node, TCP) as a dry run on one machine.
TEST_F(MpiBenchTest, SuiteRunsAcrossTheHostsOfAHostfileNamingThisHostTwice) {
    char host[256] = {};
    ASSERT_EQ(::gethostname(host, sizeof host - 1), 0);
    const fs::path folder = fs::temp_directory_path() / ("tvp-mpi-hostfile-" + std::to_string(::getpid()));
    fs::create_directories(folder);
    const fs::path hostfile = folder / "hosts";
    std::ofstream(hostfile) << host << "\n" << host << "\n";
    const auto result =
        run_command("/usr/bin/python3 " TVP_SOURCE_DIR "/scripts/suite --quick --no-build --build-dir " +
                        build_directory().string() + " --scenarios mpi --fail-on-error --mpi-hostfile " +
                        hostfile.string() + " --out " + folder.string(),
                    280);
    std::vector<fs::path> written;
    for (const auto& entry : fs::directory_iterator(folder))
        if (entry.path().extension() == ".json") written.push_back(entry.path());
    const JsonRun run = written.size() == 1 ? read_json(written[0]) : JsonRun{};
    fs::remove_all(folder);
    ASSERT_EQ(result.exit_code, 0) << result.output;
    ASSERT_EQ(written.size(), 1u) << result.output;
    EXPECT_EQ(run.results.get<std::string>("context.mpi.hostfile"), hostfile.string());
    EXPECT_EQ(run.results.get<std::string>("context.mpi.runs.tcp.mpi_hosts"), std::string(host) + "," + host);
    EXPECT_FALSE(run.results.get_child_optional("context.mpi.runs.vader")) << "shared memory does not cross hosts";
    EXPECT_FALSE(run.benchmarks.empty());
}

}  // namespace

namespace {

// "manager/mpi/.../mix:write/min_time:0.100/manual_time" -> "manager/mpi/.../mix:write"
std::string without_suffixes(const std::string& name) { return name.substr(0, name.find("/min_time:")); }

std::string benchmark_error(const boost::property_tree::ptree& row) {
    return row.get<bool>("error_occurred", false) ? row.get<std::string>("error_message", "?") : "";
}

// The Manager workload on 2 ranks over shared memory: in the window every rank
// works (2 workers), on the server rank 1 does (1 worker); every run verified
// by manager::verify(), the same check as bench's manager.
TEST_F(MpiBenchTest, ManagerInTheWindowAndOnTheServerIsVerifiedOnTwoRanks) {
    const auto result =
        run_command(bench_mpi_to_json(2, "vader", " --benchmark_min_time=0.01 --benchmark_filter='^manager/'", out_));
    ASSERT_EQ(result.exit_code, 0) << result.output;
    const JsonRun run = read_json(out_);
    std::map<std::string, double> workers;
    for (const auto& row : run.benchmarks) {
        const auto name = without_suffixes(row.get<std::string>("name"));
        EXPECT_EQ(benchmark_error(row), "") << name;
        EXPECT_GT(row.get<double>("iterations"), 0) << name;
        EXPECT_EQ(row.get<double>("verified", -1), row.get<double>("iterations")) << name;
        EXPECT_GT(row.get<double>("ns_per_op", 0), 0) << name;
        workers[name] = row.get<double>("workers", -1);
    }
    EXPECT_EQ(workers, (std::map<std::string, double>{{"manager/mpi/ranks:2/btl:vader/store:window/mix:write", 2},
                                                      {"manager/mpi/ranks:2/btl:vader/store:server/mix:write", 1},
                                                      {"manager/mpi/ranks:2/btl:vader/store:window/mix:read90", 2},
                                                      {"manager/mpi/ranks:2/btl:vader/store:server/mix:read90", 1}}));
}

// A rank that loses one of its appends (--tvp_test_lose_update_rank, hidden):
// rank 0's verification finds it and the error names the rank that lost it, in
// the window (worker 1 is rank 1) and on the server (worker 0 is rank 1).
TEST_F(MpiBenchTest, ALostUpdateInTheManagerIsAnErrorNamingTheRank) {
    const auto result = run_command(bench_mpi_to_json(2, "vader",
                                                      " --tvp_test_lose_update_rank=1 --benchmark_min_time=0.01"
                                                      " --benchmark_filter='^manager/.*mix:write'",
                                                      out_),
                                    60);
    ASSERT_EQ(result.exit_code, 0) << result.output;
    const JsonRun run = read_json(out_);
    ASSERT_EQ(run.benchmarks.size(), 2u);
    for (const auto& row : run.benchmarks) {
        const auto name = row.get<std::string>("name");
        // The lost append is the first write from half-way: 1000 operations per worker in the window, 200 on the
        // server.
        const std::string expected = name.find("store:window") != std::string::npos
                                         ? "worker 1 (rank 1) appended op 501 where op 500 was due"
                                         : "worker 0 (rank 1) appended op 101 where op 100 was due";
        EXPECT_EQ(benchmark_error(row), "rank 0: lost update: " + expected) << name;
    }
}

// OSU's osu_mbw_mr: one pair on 2 ranks, two pairs on 4, each message verified;
// 3 ranks leave a sender without a receiver: skipped with that reason.
TEST_F(MpiBenchTest, MessageRateRunsAPairPerTwoRanksAndSkipsAnOddCount) {
    for (int ranks : {2, 4}) {
        const auto result = run_command(bench_mpi_to_json(
            ranks, "vader", " --benchmark_min_time=0.01 --benchmark_filter='^message_rate/.*bytes:(8|65536)/'", out_));
        ASSERT_EQ(result.exit_code, 0) << result.output;
        const JsonRun run = read_json(out_);
        ASSERT_EQ(run.benchmarks.size(), 2u) << ranks << " ranks";
        for (const auto& row : run.benchmarks) {
            const auto name = row.get<std::string>("name");
            EXPECT_EQ(benchmark_error(row), "") << name;
            EXPECT_NE(name.find("/ranks:" + std::to_string(ranks) + "/btl:vader/pairs:" + std::to_string(ranks / 2) +
                                "/bytes:"),
                      std::string::npos)
                << name;
            EXPECT_EQ(row.get<double>("pairs", -1), ranks / 2) << name;
            EXPECT_EQ(row.get<double>("verified", -1), row.get<double>("iterations")) << name;
            EXPECT_GT(row.get<double>("messages_per_second", 0), 0) << name;
            EXPECT_GT(row.get<double>("bytes_per_second", 0), 0) << name;
        }
    }
    const auto odd = run_command(bench_mpi_to_json(3, "vader", " --benchmark_filter='^message_rate/.*bytes:8/'", out_));
    ASSERT_EQ(odd.exit_code, 0) << odd.output;
    const JsonRun run = read_json(out_);
    ASSERT_EQ(run.benchmarks.size(), 1u);
    EXPECT_EQ(benchmark_error(run.benchmarks[0]),
              "needs an even number of ranks (a receiver for each sender); this run has 3");
}

}  // namespace
