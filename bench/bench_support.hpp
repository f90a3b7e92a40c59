#pragma once
// What every scenario's benchmarks share: names that parse, errors turned into
// SkipWithError, wall-clock and children's-CPU bookkeeping.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <exception>
#include <initializer_list>
#include <string>
#include <string_view>

#include "resource_usage.hpp"

namespace tvp::bench {

// "scenario/backend/key:value/...": joins the parts with '/'.
std::string benchmark_name(std::initializer_list<std::string_view> parts);
// "key:value"
std::string param(std::string_view key, auto value) {
    return std::string(key) + ":" + std::to_string(value);
}

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
