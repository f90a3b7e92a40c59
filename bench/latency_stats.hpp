#pragma once
// Latency percentiles only where the sample holds them: the p-th percentile of
// fewer than 1/(1-p) samples is just the maximum. p99 needs 1,000 round trips,
// p99.9 needs 10,000; below that the counter is absent (not zero), and the
// `samples` counter tells a reader why.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

namespace tvp::bench {

inline constexpr std::size_t min_samples_p99 = 1'000;
inline constexpr std::size_t min_samples_p999 = 10'000;

// Sets samples, round_trip_p50_us, one_way_p50_us, and where the sample is
// large enough round_trip_p99_us, one_way_p99_us, one_way_p999_us. Times in ns.
// The nearest-rank percentile of `samples` (ns, reordered; not empty), in µs.
double percentile_us(std::vector<std::int64_t>& samples, double fraction);

void report_latency_percentiles(benchmark::State& state, std::vector<std::int64_t> round_trips_ns,
                                std::vector<std::int64_t> one_way_ns);

}  // namespace tvp::bench
