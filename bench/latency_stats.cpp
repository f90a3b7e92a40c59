#include "latency_stats.hpp"

#include <algorithm>

namespace tvp::bench {

double percentile_us(std::vector<std::int64_t>& samples, double fraction) {
    const std::size_t index = std::min(samples.size() - 1, static_cast<std::size_t>(fraction * samples.size()));
    std::nth_element(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(index), samples.end());
    return static_cast<double>(samples[index]) / 1e3;
}

void report_latency_percentiles(benchmark::State& state, std::vector<std::int64_t> round_trips_ns,
                                std::vector<std::int64_t> one_way_ns) {
    const std::size_t samples = round_trips_ns.size();
    state.counters["samples"] = static_cast<double>(samples);
    if (samples == 0) return;
    state.counters["round_trip_p50_us"] = percentile_us(round_trips_ns, 0.50);
    state.counters["one_way_p50_us"] = percentile_us(one_way_ns, 0.50);
    if (samples >= min_samples_p99) {
        state.counters["round_trip_p99_us"] = percentile_us(round_trips_ns, 0.99);
        state.counters["one_way_p99_us"] = percentile_us(one_way_ns, 0.99);
    }
    if (samples >= min_samples_p999) state.counters["one_way_p999_us"] = percentile_us(one_way_ns, 0.999);
}

}  // namespace tvp::bench
