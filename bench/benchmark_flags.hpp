#pragma once
// Google Benchmark takes some bad values silently (--benchmark_repetitions=-1,
// --benchmark_min_time=-1) or prints its usage and exits 0 (an unknown
// --benchmark_format): bench checks the flags it passes on first.
#include <optional>
#include <string>
#include <string_view>

namespace tvp::bench {

// The value of `--name=value` in `arg`, or nullopt when `arg` is not that flag
// (the one rule for the suite's own flags, in bench, bench_mpi and bench_mpi_startup).
inline std::optional<std::string_view> flag_value(std::string_view arg, std::string_view name) {
    if (arg.size() >= name.size() + 3 && arg.substr(0, 2) == "--" && arg.substr(2, name.size()) == name &&
        arg[2 + name.size()] == '=')
        return arg.substr(3 + name.size());
    return std::nullopt;
}

// Why `arg` (a --benchmark_* flag) has a value Google Benchmark would misuse,
// or nullopt when it is fine or not one of the checked flags.
std::optional<std::string> benchmark_flag_problem(std::string_view arg);

// Why the benchmarks Google Benchmark would run now (its filter, after
// registration) are none: the filter matches nothing or does not compile.
// Runs nothing. nullopt when at least one benchmark is selected.
std::optional<std::string> empty_selection_problem();

}  // namespace tvp::bench
