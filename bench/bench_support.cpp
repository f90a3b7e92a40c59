#include "bench_support.hpp"

namespace tvp::bench {

BenchmarkName::BenchmarkName(std::string_view scenario, std::string_view variant) {
    name_.append(scenario).append("/").append(variant);
}

BenchmarkName& BenchmarkName::param(std::string_view key, std::string_view value) {
    name_.append("/").append(key).append(":").append(value);
    return *this;
}

BenchmarkName& BenchmarkName::word(std::string_view part) {
    name_.append("/").append(part);
    return *this;
}

void report_verified(benchmark::State& state, std::uint64_t verified_iterations) {
    state.counters["verified"] = static_cast<double>(verified_iterations);
    if (verified_iterations != static_cast<std::uint64_t>(state.iterations()))
        state.SkipWithError(("only " + std::to_string(verified_iterations) + " of " +
                             std::to_string(state.iterations()) + " iterations were verified")
                                .c_str());
}

double LoopMeter::finish(benchmark::State& state) {
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double iterations = static_cast<double>(state.iterations());
    state.counters["child_cpu_s"] =
        benchmark::Counter(children_cpu_seconds() - children_cpu_start_, benchmark::Counter::kAvgIterations);
    return iterations > 0 ? wall / iterations : 0.0;
}

}  // namespace tvp::bench
