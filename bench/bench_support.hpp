#pragma once
// What every scenario's benchmarks share: names that parse, errors turned into
// SkipWithError, wall-clock and children's-CPU bookkeeping.
#include <benchmark/benchmark.h>

#include <chrono>
#include <concepts>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>

#include "os/resource_usage.hpp"

namespace tvp::bench {

// The one grammar of benchmark names, which scripts/tvp/results_lib.py parses back:
// "scenario/variant" (the variant is a back-end or a baseline's name), then
// parts joined by '/': parameters "key:value", or bare words (a mechanism,
// "latency"). Every scenario builds its names here, e.g.
//     BenchmarkName("sumsq", "fork").param("workers", 4).param("n", 1000).str()
//     == "sumsq/fork/workers:4/n:1000"
class BenchmarkName {
public:
    BenchmarkName(std::string_view scenario, std::string_view variant);
    // "key:value"
    BenchmarkName& param(std::string_view key, std::string_view value);
    template <std::integral Integer>
    BenchmarkName& param(std::string_view key, Integer value) {
        return param(key, std::to_string(value));
    }
    // A part without a key.
    BenchmarkName& word(std::string_view part);
    const std::string& str() const { return name_; }

private:
    std::string name_;
};

// Runs the benchmark body; an exception becomes SkipWithError with its message,
// so a failure is reported as an error, never as a fast number.
template <class Body>
void run_or_skip(benchmark::State& state, Body&& body) {
    try {
        body();
    } catch (const std::exception& error) {
        state.SkipWithError(error.what());
    }
}

// Proof that the benchmark checked what it measured: the counter `verified`
// holds how many timed iterations had their result verified, and a benchmark
// that verified fewer than it ran reports an error instead of a time.
void report_verified(benchmark::State& state, std::uint64_t verified_iterations);

// Measures the timed loop from outside: wall seconds and children's CPU seconds
// between construction and finish(), for per-iteration counters.
class LoopMeter {
public:
    LoopMeter() : start_(std::chrono::steady_clock::now()), children_cpu_start_(children_cpu_seconds()) {}
    // Sets child_cpu_s (children's CPU per iteration) and returns wall seconds per iteration.
    double finish(benchmark::State& state);

private:
    std::chrono::steady_clock::time_point start_;
    double children_cpu_start_;
};

}  // namespace tvp::bench
