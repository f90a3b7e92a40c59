// What a results file must hold for a CI gate and a reader to trust it: bad
// selections refused, the revision named, percentiles only from samples that
// hold them, counters that do not depend on what else ran, proof of verification.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "bench_runner.hpp"

namespace tvp {
namespace {

using boost::property_tree::ptree;
using testing::CommandResult;
using testing::run_bench;

void expect_one_line_exit_2(const std::string& arguments, const std::string& message_part) {
    const CommandResult result = run_bench(arguments, 20);
    EXPECT_EQ(result.exit_code, 2) << arguments << "\n" << result.output;
    EXPECT_NE(result.output.find(message_part), std::string::npos) << arguments << "\n" << result.output;
    EXPECT_EQ(std::count(result.output.begin(), result.output.end(), '\n'), 1) << "one line: " << result.output;
}

// A scratch results path, removed at the end of the test.
class ResultsFile {
public:
    ResultsFile()
        : path_(std::filesystem::temp_directory_path() /
                ("tvp-results-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++) + ".json")) {}
    ~ResultsFile() { std::filesystem::remove(path_); }
    std::string path() const { return path_.string(); }
    std::string flags() const { return " --benchmark_out_format=json --benchmark_out=" + path(); }

private:
    static inline int counter_ = 0;
    std::filesystem::path path_;
};

// {name: row} of the iteration rows.
std::map<std::string, ptree> rows_by_name(const ptree& results) {
    std::map<std::string, ptree> rows;
    for (const auto& [_, row] : results.get_child("benchmarks")) rows[row.get<std::string>("name")] = row;
    return rows;
}

TEST(BenchSelection, AFilterThatSelectsNothingIsAUsageError) {
    expect_one_line_exit_2("--benchmark_filter=no_such_benchmark", "selects no benchmark");
    expect_one_line_exit_2("--benchmark_filter=no_such_benchmark --benchmark_list_tests=true", "selects no benchmark");
    // POSIX regular expressions have no lookahead: Google Benchmark cannot compile it.
    expect_one_line_exit_2("'--benchmark_filter=(?!create)'", "Could not compile");
}

TEST(BenchSelection, AnEmptySelectionLeavesNoEmptyResultsFile) {
    const ResultsFile out;
    expect_one_line_exit_2("--benchmark_filter=no_such_benchmark" + out.flags(), "selects no benchmark");
    EXPECT_FALSE(std::filesystem::exists(out.path()));
}

TEST(BenchSelection, AnEmptySelectionLeavesAnExistingResultsFileAsItWas) {
    const ResultsFile out;
    { std::ofstream(out.path()) << "the results of an earlier run\n"; }
    for (const char* listing : {"", " --benchmark_list_tests=true"}) {
        expect_one_line_exit_2("--benchmark_filter=no_such_benchmark" + out.flags() + listing, "selects no benchmark");
        std::ifstream file(out.path());
        const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
        EXPECT_EQ(text, "the results of an earlier run\n") << "a refused run must not empty the file" << listing;
    }
}

TEST(BenchSelection, GoogleBenchmarkFlagsWithBadValuesAreRefused) {
    expect_one_line_exit_2("--benchmark_repetitions=-1", "--benchmark_repetitions: '-1'");
    expect_one_line_exit_2("--benchmark_repetitions=0", "--benchmark_repetitions: '0'");
    expect_one_line_exit_2("--benchmark_repetitions=many", "--benchmark_repetitions: 'many'");
    expect_one_line_exit_2("--benchmark_min_time=-1", "--benchmark_min_time: '-1'");
    expect_one_line_exit_2("--benchmark_min_time=0", "--benchmark_min_time: '0'");
    expect_one_line_exit_2("--benchmark_min_time=1s", "--benchmark_min_time: '1s'");
    expect_one_line_exit_2("--benchmark_format=xml", "--benchmark_format: 'xml' is not a format");
    expect_one_line_exit_2("--benchmark_out_format=xml", "--benchmark_out_format: 'xml' is not a format");
    expect_one_line_exit_2("--benchmark_out=/nonexistent/results.json", "folder '/nonexistent' does not exist");
    expect_one_line_exit_2("--benchmark_out=/tmp", "'/tmp' is a directory");
    expect_one_line_exit_2("--round_trips=0", "--round_trips: '0'");
    // Google Benchmark prints its usage and exits 0 on these, or complains on two lines.
    expect_one_line_exit_2("--benchmark_time_unit=year", "--benchmark_time_unit: 'year' is not a unit");
    expect_one_line_exit_2("--v=abc", "--v: 'abc' is not a whole number");
}

TEST(BenchSelection, AResultsPathThatIsNoPlainFileIsRefusedAtOnce) {
    const ResultsFile out;
    ASSERT_EQ(::mkfifo(out.path().c_str(), 0600), 0);  // writing it would block until someone reads
    expect_one_line_exit_2("--benchmark_filter=sumsq_kernel --benchmark_out=" + out.path(),
                           "'" + out.path() + "' is not a regular file");
    std::filesystem::remove(out.path());
    std::filesystem::create_symlink("/nonexistent/results.json", out.path());
    expect_one_line_exit_2("--benchmark_filter=sumsq_kernel --benchmark_out=" + out.path(),
                           "is a symbolic link to '/nonexistent/results.json', which does not exist");
}

TEST(BenchResults, AResultsFileBehindASymbolicLinkIsWrittenWhereTheLinkPoints) {
    const ResultsFile out, link;
    { std::ofstream(out.path()) << "the results of an earlier run\n"; }
    std::filesystem::create_symlink(out.path(), link.path());
    const CommandResult result = run_bench(
        "--benchmark_filter='^sumsq_kernel/fast/n:10000$' --benchmark_min_time=0.01 --benchmark_out=" + link.path());
    ASSERT_EQ(result.exit_code, 0) << result.output;
    EXPECT_TRUE(std::filesystem::is_symlink(link.path()));
    EXPECT_EQ(testing::read_results(out.path()).get_child("benchmarks").size(), 1u);
}

TEST(BenchResults, TheContextNamesTheRevisionAndTheBuild) {
    const ResultsFile out;
    const CommandResult result =
        run_bench("--benchmark_filter='^sumsq_kernel/fast/n:10000$' --benchmark_min_time=0.01" + out.flags());
    ASSERT_EQ(result.exit_code, 0) << result.output;
    const ptree context = testing::read_results(out.path()).get_child("context");
    const auto revision = context.get<std::string>("tvp_revision", "");
    EXPECT_EQ(revision.size(), 40u) << revision;
    EXPECT_EQ(revision.find_first_not_of("0123456789abcdef"), std::string::npos) << revision;
    const auto dirty = context.get<std::string>("tvp_revision_dirty", "");
    EXPECT_TRUE(dirty == "true" || dirty == "false") << dirty;
    // The same revision and state as the source tree the test was built from.
    if (FILE* git = ::popen("git -C " TVP_SOURCE_DIR " rev-parse HEAD 2>/dev/null", "r")) {
        char line[64] = {};
        const bool read = std::fgets(line, sizeof line, git) != nullptr;
        if (::pclose(git) == 0 && read) {
            EXPECT_EQ(revision, std::string(line, 40));
        }
    }
    for (const char* key : {"tvp_build_type", "tvp_compile_flags", "load_average_start", "cpu_governor", "cpu_boost",
                            "smt", "thp", "kernel", "glibc", "compiler", "boost", "fmt", "cpu_model"})
        EXPECT_FALSE(context.get<std::string>(key, "").empty()) << key;
    if (context.get<std::string>("tvp_build_type") == "Release") {
        EXPECT_NE(context.get<std::string>("tvp_compile_flags").find("-O"), std::string::npos);
    }
}

TEST(BenchResults, PercentilesOnlyFromSamplesThatHoldThem) {
    const std::string filter = " --benchmark_filter='^pipe/thread/pipe/bytes:8/cpus:any/latency'";
    {
        const ResultsFile out;
        ASSERT_EQ(run_bench("--round_trips=100" + filter + out.flags()).exit_code, 0);
        const ptree row = testing::read_results(out.path()).get_child("benchmarks").front().second;
        EXPECT_EQ(row.get<double>("samples"), 100);
        EXPECT_GT(row.get<double>("round_trip_p50_us"), 0);
        EXPECT_FALSE(row.get_optional<double>("round_trip_p99_us")) << "p99 of 100 round trips is their maximum";
        EXPECT_FALSE(row.get_optional<double>("one_way_p99_us"));
        EXPECT_FALSE(row.get_optional<double>("one_way_p999_us"));
    }
    {
        const ResultsFile out;
        ASSERT_EQ(run_bench("--round_trips=1000" + filter + out.flags()).exit_code, 0);
        const ptree row = testing::read_results(out.path()).get_child("benchmarks").front().second;
        EXPECT_EQ(row.get<double>("samples"), 1000);
        EXPECT_EQ(row.get<double>("iterations"), 1000) << "latency runs are sized by round trips";
        EXPECT_TRUE(row.get_optional<double>("round_trip_p99_us"));
        EXPECT_FALSE(row.get_optional<double>("one_way_p999_us")) << "p99.9 needs 10,000 round trips";
    }
}

// The paired ratios cost a dozen runs of the work: each benchmark measures
// them in one repetition (its first reported one, whatever the filter), not in
// every one, and never in the calls Google Benchmark discards while it sizes
// the first repetition (then no repetition would carry them).
TEST(BenchResults, EveryProcessSumComparesWithThreadsOncePerRunWhateverTheFilter) {
    const ResultsFile out;
    const CommandResult result = run_bench(
        "--benchmark_filter='^sumsq/(fork|posix_spawn)/' --n=100000 --workers=1,2 "
        "--benchmark_min_time=0.01 --benchmark_repetitions=3 "
        "--benchmark_enable_random_interleaving=true" +
        out.flags());
    ASSERT_EQ(result.exit_code, 0) << result.output;
    int rows = 0;
    std::map<std::string, int> with_ratios;
    const ptree results = testing::read_results(out.path());
    for (const auto& [_, row] : results.get_child("benchmarks")) {
        if (row.get<std::string>("run_type") != "iteration") continue;
        ++rows;
        const std::string name = row.get<std::string>("run_name");
        EXPECT_FALSE(row.get_optional<std::string>("error_message")) << name;
        with_ratios[name] += 0;
        if (!row.get_optional<double>("speedup")) continue;
        ++with_ratios[name];
        EXPECT_GT(row.get<double>("speedup"), 0) << name;
        EXPECT_GT(row.get<double>("speed_vs_thread", 0), 0) << name;
    }
    EXPECT_EQ(rows, 12);  // 2 back-ends x 2 worker counts x 3 repetitions
    EXPECT_EQ(with_ratios.size(), 4u);
    for (const auto& [name, count] : with_ratios) EXPECT_EQ(count, 1) << name;
}

// Each scenario's benchmarks prove they checked what they measured.
TEST(BenchResults, EveryBenchmarkCountsTheIterationsItVerified) {
    const ResultsFile out;
    const CommandResult result = run_bench(
        "--benchmark_filter='^(create/(fork|raw_fork|raw_pthread)/workers:1/parent_mib:0|sumsq/fork/workers:2/"
        "n:1000000|sumsq_kernel/fast/n:10000$|queue/fork/shm_ring/bytes:64/cpus:cross/wait:block/"
        "(latency|throughput)|ipc_baseline/thread/(atomic_pingpong|memcpy)/bytes:8/cpus:any|iobound/fork/workers:4/|"
        "memory/fork/workers:1/real_time|isolation/fork/)' --round_trips=100 --benchmark_min_time=0.01" +
        out.flags());
    ASSERT_EQ(result.exit_code, 0) << result.output;
    std::set<std::string> scenarios;
    for (const auto& [name, row] : rows_by_name(testing::read_results(out.path()))) {
        EXPECT_FALSE(row.get_optional<std::string>("error_message")) << name;
        EXPECT_EQ(row.get<double>("verified", -1), row.get<double>("iterations")) << name;
        scenarios.insert(name.substr(0, name.find('/')));
    }
    EXPECT_EQ(scenarios, (std::set<std::string>{"create", "sumsq", "sumsq_kernel", "queue", "ipc_baseline", "iobound",
                                                "memory", "isolation"}));
}

TEST(BenchResults, TheIoBoundRunCountsTheWaitsThatHappened) {
    const ResultsFile out;
    ASSERT_EQ(run_bench("--benchmark_filter='^iobound/(thread|posix_spawn)/workers:4/' --benchmark_min_time=0.01" +
                        out.flags())
                  .exit_code,
              0);
    for (const auto& [name, row] : rows_by_name(testing::read_results(out.path()))) {
        EXPECT_FALSE(row.get_optional<std::string>("error_message")) << name;
        EXPECT_GT(row.get<double>("waits_per_second", 0), 0) << name;
    }
}

}  // namespace
}  // namespace tvp
