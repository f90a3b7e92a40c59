// The manager benchmark proves that it verified every run (issue 10 item 5):
// run briefly through the bench binary, its JSON carries `verified` equal to
// its iterations.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <regex>
#include <vector>

#include "test_support.hpp"

namespace tvp {
namespace {

// stdout of bench with these arguments, and whether it exited 0.
std::pair<bool, std::string> run_bench(const std::string& arguments) {
    const std::string command = (testing::build_directory() / "bench").string() + " " + arguments + " 2>/dev/null";
    std::string output;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) return {false, output};
    std::array<char, 4096> buffer{};
    while (std::size_t read = std::fread(buffer.data(), 1, buffer.size(), pipe)) output.append(buffer.data(), read);
    const int status = ::pclose(pipe);
    return {WIFEXITED(status) && WEXITSTATUS(status) == 0, output};
}

// Every number after `"field": ` in the JSON, in order (one per benchmark).
std::vector<double> json_numbers(const std::string& json, const std::string& field) {
    std::vector<double> numbers;
    const std::regex pattern("\"" + field + "\": ([0-9.e+]+)");
    for (auto match = std::sregex_iterator(json.begin(), json.end(), pattern); match != std::sregex_iterator(); ++match)
        numbers.push_back(std::stod((*match)[1]));
    return numbers;
}

TEST(ManagerBenchmark, ReportsAVerifiedRunForEveryIteration) {
    for (const char* store : {"server", "shm"}) {
        const auto [succeeded, json] = run_bench(std::string("--benchmark_filter='^manager/fork/store:") + store +
                                                 "/workers:1/' --benchmark_min_time=0.01 --benchmark_format=json");
        ASSERT_TRUE(succeeded) << json;
        EXPECT_EQ(json.find("error_occurred"), std::string::npos) << json;
        const std::vector<double> iterations = json_numbers(json, "iterations");
        EXPECT_EQ(iterations.size(), 2u) << "mix:write and mix:read90\n" << json;
        EXPECT_EQ(json_numbers(json, "verified"), iterations) << store << ": a run was not verified\n" << json;
    }
}

}  // namespace
}  // namespace tvp
