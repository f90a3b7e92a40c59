#pragma once
// Runs the bench binary as a user would, bounded in time, for the command-line
// tests: a bench that ignores a bad flag and runs the whole suite fails the
// test on its assertion (exit 124 from timeout), not on ctest's time-out.
#include <sys/wait.h>

#include <array>
#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>
#include <cstdio>
#include <string>

#include "test_support.hpp"

namespace tvp::testing {

struct CommandResult {
    int exit_code = -1;  // 124: killed by the time limit
    std::string output;  // stdout and stderr together
};

// A shell command line, bounded in time, its stdout read (add 2>&1 for stderr).
inline CommandResult run_shell(const std::string& command) {
    CommandResult result;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) return result;
    std::array<char, 4096> buffer{};
    while (std::size_t read = std::fread(buffer.data(), 1, buffer.size(), pipe))
        result.output.append(buffer.data(), read);
    const int status = ::pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

inline std::string bench_path() { return (build_directory() / "bench").string(); }

inline CommandResult run_bench(const std::string& arguments, int time_limit_seconds = 60) {
    return run_shell("timeout -k 5 " + std::to_string(time_limit_seconds) + " " + bench_path() + " " + arguments +
                     " 2>&1");
}

// Google Benchmark's JSON output file, parsed.
inline boost::property_tree::ptree read_results(const std::string& path) {
    boost::property_tree::ptree results;
    boost::property_tree::read_json(path, results);
    return results;
}

}  // namespace tvp::testing
