#include "suite_options.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>

#include "benchmark_flags.hpp"
#include "scenarios.hpp"
#include "os/number_parsing.hpp"
#include "launch/worker_check.hpp"
#include "sumsq/sumsq.hpp"
#include "workload/workload.hpp"

namespace tvp::bench {

namespace {

// Splits "a,b,c" and parses each part; the error names the flag and the part.
template <class Integer, class Check>
std::variant<std::vector<Integer>, UsageError> parse_list(std::string_view flag, std::string_view text, Check check) {
    std::vector<Integer> values;
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = text.find(',', start);
        const std::string_view part = text.substr(start, comma == std::string_view::npos ? text.npos : comma - start);
        // Parse as signed first, so that "-3" is reported as negative, not as junk.
        const auto value = parse_integer<long long>(part);
        if (!value) {
            const bool digits = !part.empty() && part.find_first_not_of("0123456789") == part.npos;
            return UsageError{fmt::format("--{}: '{}' is {}", flag, part, digits ? "too large" : "not a whole number")};
        }
        if (auto problem = check(*value)) return UsageError{fmt::format("--{}: {}", flag, *problem)};
        values.push_back(static_cast<Integer>(*value));
        if (comma == std::string_view::npos) return values;
        start = comma + 1;
    }
}

std::optional<std::string> check_workers(long long value) {
    if (value < 1 || value > max_workers) return fmt::format("{} workers: give between 1 and {}", value, max_workers);
    return std::nullopt;
}

std::optional<std::string> check_n(long long value) {
    if (value < 1) return fmt::format("n = {}: give at least 1", value);
    if (static_cast<unsigned long long>(value) > max_sum_of_squares_n())
        return fmt::format("n = {}: the sum of squares would overflow 128 bits (largest n is {})", value,
                           max_sum_of_squares_n());
    return std::nullopt;
}

// A check for a list of whole numbers from `low` to `high`, named in its error.
auto check_range(std::string_view what, long long low, unsigned long long high) {
    return [what, low, high](long long value) -> std::optional<std::string> {
        if (value < low || static_cast<unsigned long long>(value) > high)
            return fmt::format("{} {}: give between {} and {}", value, what, low, high);
        return std::nullopt;
    };
}

// "--name=value" -> value, if arg is that flag.
// "thread, fork, ..." for the help and the errors.
template <std::size_t count>
std::string backend_names(const std::array<Backend, count>& backends) {
    std::string names;
    for (Backend backend : backends) names += (names.empty() ? "" : ", ") + std::string(to_string(backend));
    return names;
}

// The scenarios, one line each, with what scripts/suite's default run of each
// took in the reference run, for the help.
std::string scenario_lines() {
    std::string lines;
    for (const Scenario& scenario : scenario_table) {
        const std::string runs_in =
            scenario.program == "bench" ? "" : fmt::format(" (not in bench: {})", scenario.program);
        lines +=
            fmt::format("  {:<13} {:>4} s  {}{}\n", scenario.name, scenario.reference_seconds, scenario.about, runs_in);
    }
    return lines;
}

// "vfork,clone3" -> those back-ends, in that order, each once.
std::variant<std::vector<Backend>, UsageError> parse_backends(std::string_view text) {
    std::vector<Backend> backends;
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = text.find(',', start);
        const std::string_view part = text.substr(start, comma == std::string_view::npos ? text.npos : comma - start);
        const std::optional<Backend> backend = parse_backend(part);
        if (!backend) {
            return UsageError{
                fmt::format("--backends: unknown back-end '{}' (give some of {})", part, backend_names(all_backends))};
        }
        if (std::find(backends.begin(), backends.end(), *backend) == backends.end()) backends.push_back(*backend);
        if (comma == std::string_view::npos) return backends;
        start = comma + 1;
    }
}

bool is_benchmark_flag(std::string_view arg) {
    return arg.starts_with("--benchmark_") || arg == "--v" || arg.starts_with("--v=");
}

}  // namespace

std::variant<ParsedCommandLine, UsageError> parse_command_line(int argc, char** argv) {
    ParsedCommandLine parsed;
    parsed.benchmark_args.push_back(argv[0]);
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            parsed.help = true;
        } else if (arg == "--list-backends") {
            parsed.list_backends = true;
        } else if (arg == "--list-scenarios") {
            parsed.list_scenarios = true;
        } else if (arg == "--full_grid") {
            parsed.options.full_grid = true;
        } else if (is_benchmark_flag(arg)) {
            if (auto problem = benchmark_flag_problem(arg)) return UsageError{*problem};
            parsed.benchmark_args.push_back(argv[i]);
        } else if (auto path = flag_value(arg, "worker_exe")) {
            if (path->empty()) return UsageError{"--worker_exe: give the path of the worker program"};
            parsed.options.worker_executable = std::string(*path);
        } else if (auto count = flag_value(arg, "round_trips")) {
            const auto value = parse_integer<long long>(*count);
            if (!value || *value < 1 || static_cast<std::uint64_t>(*value) > max_round_trips)
                return UsageError{
                    fmt::format("--round_trips: '{}' is not a whole number from 1 to {}", *count, max_round_trips)};
            parsed.options.round_trips = static_cast<std::uint64_t>(*value);
        } else if (auto list = flag_value(arg, "n")) {
            auto values = parse_list<std::uint64_t>("n", *list, check_n);
            if (auto* error = std::get_if<UsageError>(&values)) return *error;
            parsed.options.sumsq_n = std::get<std::vector<std::uint64_t>>(values);
        } else if (auto list = flag_value(arg, "backends")) {
            auto values = parse_backends(*list);
            if (auto* error = std::get_if<UsageError>(&values)) return *error;
            parsed.options.selected_backends = std::get<std::vector<Backend>>(values);
        } else if (auto list = flag_value(arg, "workers")) {
            auto values = parse_list<unsigned>("workers", *list, check_workers);
            if (auto* error = std::get_if<UsageError>(&values)) return *error;
            parsed.options.sumsq_workers = std::get<std::vector<unsigned>>(values);
        } else if (auto list = flag_value(arg, "tasks")) {
            auto values = parse_list<std::uint64_t>("tasks", *list, check_range("tasks", 1, workload::max_tasks));
            if (auto* error = std::get_if<UsageError>(&values)) return *error;
            parsed.options.workload_tasks = std::get<std::vector<std::uint64_t>>(values);
        } else if (auto list = flag_value(arg, "task_us")) {
            auto values = parse_list<std::uint64_t>("task_us", *list, check_range("µs", 0, workload::max_task_us));
            if (auto* error = std::get_if<UsageError>(&values)) return *error;
            parsed.options.workload_task_us = std::get<std::vector<std::uint64_t>>(values);
        } else if (auto list = flag_value(arg, "bytes")) {
            auto values = parse_list<std::uint64_t>("bytes", *list, check_range("bytes", 0, workload::max_bytes));
            if (auto* error = std::get_if<UsageError>(&values)) return *error;
            parsed.options.workload_bytes = std::get<std::vector<std::uint64_t>>(values);
        } else {
            return UsageError{fmt::format("unknown flag '{}' (see --help)", arg)};
        }
    }
    return parsed;
}

std::vector<Backend> SuiteOptions::backends(std::span<const Backend> defaults) const {
    if (!selected_backends.empty()) return selected_backends;
    return {defaults.begin(), defaults.end()};
}

void print_backends() {
    fmt::print("{:<20} {:<14} {:<8} {:<16} {}\n", "back-end", "address space", "default", "raw baseline",
               "how it starts");
    for (const BackendInfo& row : backend_table)
        fmt::print("{:<20} {:<14} {:<8} {:<16} {}\n", row.name, to_string(row.address_space),
                   row.runs_by_default ? "yes" : "no", row.raw_baseline.empty() ? "-" : row.raw_baseline,
                   row.description);
}

void print_suite_help() {
    fmt::print(
        "Usage: bench [suite flags] [Google Benchmark flags]\n"
        "\n"
        "Threads vs processes: every example of the chapter, measured on these back-ends\n"
        "(bench --list-backends says how each starts a worker):\n"
        "  every scenario: {}\n"
        "  create, create_split, sumsq and isolation, too: {}\n"
        "Benchmark names read scenario/backend/param:value/..., e.g. create/fork/workers:4/parent_mib:0.\n"
        "Select a scenario with --benchmark_filter (e.g. --benchmark_filter='^pipe/'; bench\n"
        "--list-scenarios gives each one's filter). The scenarios, with the seconds scripts/suite's\n"
        "default run of each took in the reference run (results/{}, 2 CPUs):\n"
        "{}"
        "\n"
        "Suite flags:\n"
        "  --n=N[,N...]          sumsq: problem sizes (sum of i*i for i < n); replaces the\n"
        "                        default sweep 10^4,10^6,10^8 (and 10^9 with --full_grid). At most {}.\n"
        "  --workers=W[,W...]    sumsq, pool, workload: worker counts, 1..{}; replaces the sweep\n"
        "                        1,2,4,8 (up to twice the CPU count when that is larger).\n"
        "                        Given --n or --workers, only those sumsq cases run (no sumsq_kernel).\n"
        "                        The chapter's case: --benchmark_filter=sumsq --n=100000000 --workers=4\n"
        "  --tasks=N[,N...]      workload: tasks per batch (1..{}); --task_us=T[,T...]: CPU work\n"
        "                        per task, µs (0..{}); --bytes=B[,B...]: payload each way per task\n"
        "                        (0..{}). Any of them replaces workload's default grid (the\n"
        "                        calibration points scripts/advise needs) with their cross product\n"
        "                        (one left out: 1000 tasks, 50 µs, 4096 bytes) x --workers (default:\n"
        "                        the CPU count). E.g. --benchmark_filter='^workload/' --tasks=10000\n"
        "                        --task_us=50 --bytes=4096 --workers=2\n"
        "  --round_trips=N       queue, pipe: round trips per latency repetition (default {}).\n"
        "                        p99 is reported from 1000 round trips, p99.9 from 10000; below\n"
        "                        that the percentile is left out (counter `samples` says why).\n"
        "  --backends=B[,B...]   the back-ends every scenario runs (default: as listed above;\n"
        "                        the second list on a shorter sweep). Raw baselines always run.\n"
        "  --full_grid           the whole sweep of every scenario: queue and pipe on one CPU and\n"
        "                        unpinned at every size (by default only at 8 bytes; on two CPUs at\n"
        "                        every size), sumsq at n = 10^9 too. scripts/suite --full-grid\n"
        "  --list-backends       the back-ends, one line each, and exit\n"
        "  --list-scenarios      the scenarios, one line each (name, program, filter, quick\n"
        "                        filter, what it measures; tab-separated), and exit\n"
        "  --worker_exe=PATH     the program every spawned back-end starts, in every scenario\n"
        "                        (default: tvp_worker next to bench, or $TVP_WORKER); checked at\n"
        "                        start: it must be an executable that answers as the suite's worker\n"
        "  --help                this text\n"
        "\n"
        "Bad input exits with code 2. Google Benchmark's flags:\n",
        backend_names(default_backends), backend_names(optional_backends), reference_run, scenario_lines(),
        max_sum_of_squares_n(), max_workers, workload::max_tasks, workload::max_task_us, workload::max_bytes,
        default_round_trips);
}

}  // namespace tvp::bench
