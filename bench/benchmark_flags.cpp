#include "benchmark_flags.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <sstream>
#include <utility>

#include "os/number_parsing.hpp"

// Google Benchmark 1.7.1 exports its flags without declaring them in its header;
// empty_selection_problem needs this one.
namespace benchmark {
extern std::string FLAGS_benchmark_out;
}  // namespace benchmark

namespace tvp::bench {

namespace {

std::optional<std::string_view> value_of(std::string_view arg, std::string_view flag) {
    if (!arg.starts_with(flag) || arg.size() <= flag.size() || arg[flag.size()] != '=') return std::nullopt;
    return arg.substr(flag.size() + 1);
}

std::optional<std::string> repetitions_problem(std::string_view text) {
    const auto value = parse_integer<long long>(text);
    if (!value || *value < 1 || *value > 1'000'000)
        return fmt::format("--benchmark_repetitions: '{}' is not a whole number from 1 to 1000000", text);
    return std::nullopt;
}

std::optional<std::string> min_time_problem(std::string_view text) {
    // Google Benchmark 1.7 reads a plain number of seconds.
    std::string copy(text);
    char* end = nullptr;
    const double seconds = std::strtod(copy.c_str(), &end);
    if (copy.empty() || end != copy.c_str() + copy.size() || !std::isfinite(seconds) || seconds <= 0)
        return fmt::format("--benchmark_min_time: '{}' is not a positive number of seconds", text);
    return std::nullopt;
}

std::optional<std::string> format_problem(std::string_view flag, std::string_view text) {
    if (text == "console" || text == "json" || text == "csv") return std::nullopt;
    return fmt::format("{}: '{}' is not a format; give console, json or csv", flag, text);
}

// The output file must be one bench can create or overwrite, checked before
// any benchmark runs (otherwise the results of a long run are lost).
std::optional<std::string> output_path_problem(std::string_view text) {
    namespace fs = std::filesystem;
    if (text.empty()) return "--benchmark_out: give a file name";
    const fs::path path(text);
    std::error_code error;
    if (fs::is_symlink(path, error) && !fs::exists(path, error))
        return fmt::format("--benchmark_out: '{}' is a symbolic link to '{}', which does not exist", text,
                           fs::read_symlink(path, error).string());
    if (fs::is_directory(path, error)) return fmt::format("--benchmark_out: '{}' is a directory", text);
    if (fs::exists(path, error)) {
        // A FIFO would block the run until someone reads it, a device would be replaced by the results.
        if (!fs::is_regular_file(path, error)) return fmt::format("--benchmark_out: '{}' is not a regular file", text);
        if (::access(path.c_str(), W_OK) != 0) return fmt::format("--benchmark_out: '{}' is not writable", text);
        const fs::path folder = fs::canonical(path, error).parent_path();
        if (::access(folder.c_str(), W_OK | X_OK) != 0)
            return fmt::format("--benchmark_out: cannot write a new file in '{}', where '{}' is replaced whole",
                               folder.string(), text);
        return std::nullopt;
    }
    const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
    if (!fs::is_directory(folder, error))
        return fmt::format("--benchmark_out: folder '{}' does not exist", folder.string());
    if (::access(folder.c_str(), W_OK | X_OK) != 0)
        return fmt::format("--benchmark_out: cannot create a file in '{}'", folder.string());
    return std::nullopt;
}

// Google Benchmark prints its usage and exits 0 on an unknown unit.
std::optional<std::string> time_unit_problem(std::string_view text) {
    if (text == "ns" || text == "us" || text == "ms" || text == "s") return std::nullopt;
    return fmt::format("--benchmark_time_unit: '{}' is not a unit; give ns, us, ms or s", text);
}

// Google Benchmark reads --v with atoi-like leniency and complains on two lines.
std::optional<std::string> verbosity_problem(std::string_view text) {
    const auto value = parse_integer<long long>(text);
    if (!value || *value < 0 || *value > 100) return fmt::format("--v: '{}' is not a whole number from 0 to 100", text);
    return std::nullopt;
}

// A reporter that declines to run anything (ReportContext returns false), so
// that RunSpecifiedBenchmarks only selects; what it would print is kept.
class SelectionProbe : public benchmark::BenchmarkReporter {
public:
    SelectionProbe() {
        SetOutputStream(&output_);
        SetErrorStream(&errors_);
    }
    bool ReportContext(const Context&) override { return false; }
    void ReportRuns(const std::vector<Run>&) override {}
    std::string first_error_line() const {
        std::istringstream lines(errors_.str());
        std::string line;
        std::getline(lines, line);
        return line;
    }

private:
    std::ostringstream output_;
    std::ostringstream errors_;
};

}  // namespace

std::optional<std::string> benchmark_flag_problem(std::string_view arg) {
    if (auto value = value_of(arg, "--benchmark_repetitions")) return repetitions_problem(*value);
    if (auto value = value_of(arg, "--benchmark_min_time")) return min_time_problem(*value);
    if (auto value = value_of(arg, "--benchmark_format")) return format_problem("--benchmark_format", *value);
    if (auto value = value_of(arg, "--benchmark_out_format")) return format_problem("--benchmark_out_format", *value);
    if (auto value = value_of(arg, "--benchmark_out")) return output_path_problem(*value);
    if (auto value = value_of(arg, "--benchmark_time_unit")) return time_unit_problem(*value);
    if (auto value = value_of(arg, "--v")) return verbosity_problem(*value);
    return std::nullopt;
}

std::optional<std::string> empty_selection_problem() {
    // RunSpecifiedBenchmarks opens --benchmark_out's file, emptying it, before it
    // selects anything: the probe runs without it, so that a refused run neither
    // creates that file nor empties the results of an earlier one.
    const std::string out = std::exchange(benchmark::FLAGS_benchmark_out, std::string());
    SelectionProbe probe;
    const std::size_t selected = benchmark::RunSpecifiedBenchmarks(&probe);
    benchmark::FLAGS_benchmark_out = out;
    if (selected > 0) return std::nullopt;
    const std::string reason = probe.first_error_line();
    return fmt::format("--benchmark_filter='{}' selects no benchmark{}", benchmark::GetBenchmarkFilter(),
                       reason.empty() ? "" : " (" + reason + ")");
}

}  // namespace tvp::bench
