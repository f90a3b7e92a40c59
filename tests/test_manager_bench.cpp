// The manager benchmark proves that it verified every run:
// run briefly through the bench binary, its JSON carries `verified` equal to
// its iterations.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <vector>

#include "bench_runner.hpp"

namespace tvp {
namespace {

TEST(ManagerBenchmark, ReportsAVerifiedRunForEveryIteration) {
    const std::string out =
        (std::filesystem::temp_directory_path() / ("tvp-manager-" + std::to_string(::getpid()) + ".json")).string();
    for (const char* store : {"server", "shm"}) {
        const testing::CommandResult result = testing::run_bench(
            std::string("--benchmark_filter='^manager/fork/store:") + store +
            "/workers:1/' --benchmark_min_time=0.01 --benchmark_out_format=json --benchmark_out=" + out);
        ASSERT_EQ(result.exit_code, 0) << result.output;
        const auto results = testing::read_results(out);
        std::vector<double> iterations, verified;
        for (const auto& [_, row] : results.get_child("benchmarks")) {
            EXPECT_FALSE(row.get_optional<std::string>("error_message")) << row.get<std::string>("name");
            iterations.push_back(row.get<double>("iterations"));
            verified.push_back(row.get<double>("verified", -1));
        }
        EXPECT_EQ(iterations.size(), 2u) << "mix:write and mix:read90\n" << result.output;
        EXPECT_EQ(verified, iterations) << store << ": a run was not verified\n" << result.output;
    }
    std::filesystem::remove(out);
}

}  // namespace
}  // namespace tvp
