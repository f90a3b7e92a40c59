#pragma once
// A ratio counter (speedup, efficiency, speed_vs_thread) from paired runs
// (stats/paired_ratio.hpp): set with its interval, flagged when the interval
// is wide, and never reported when its value is impossible.
#include <benchmark/benchmark.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "stats/paired_ratio.hpp"

namespace tvp::bench {

// A ratio whose 95% interval is wider than this (either side, as a fraction of
// its median) is flagged in the label.
inline constexpr double noisy_ratio = 0.10;

// What makes a ratio's value impossible, or nullopt if it is not.
using Plausibility = std::function<std::optional<std::string>(double median)>;

// Whether a benchmark's paired ratios are still due in this run of bench. They
// are measured in its first reported repetition only: their pairs cost a dozen
// runs of the work or more, where a repetition's timed loop costs one or two
// (at n = 10^8 every repetition paid about 1.5 s for them), and the pairs
// already make them sound. The registration creates one per benchmark
// (std::make_shared) and every call gets the same.
//
// Google Benchmark calls a benchmark several times before its first repetition
// counts, growing the iterations until the timed loop lasts its minimum time,
// and reports the first call that does (benchmark_runner.cc,
// ShouldReportIterationResults); later repetitions reuse that iteration count.
// So the ratios are taken in the first call whose loop lasted `min_time`. (Its
// prediction aims at 1.4 x min_time, so a discarded call that timed just under
// it while the loop's own clock, started a few µs earlier, read just over is
// rare; then the ratios are missing, never wrong.)
class RatiosDue {
public:
    // `min_time`: the benchmark's own minimum time (its MinTime).
    explicit RatiosDue(double min_time) : min_time_(min_time) {}

    // After the timed loop: whether this call reports the ratios.
    bool take(const benchmark::State& state, double seconds_per_iteration) {
        if (!due_ || seconds_per_iteration * static_cast<double>(state.iterations()) < min_time_) return false;
        due_ = false;
        return true;
    }

private:
    double min_time_;
    bool due_ = true;
};
using RatiosOnce = std::shared_ptr<RatiosDue>;

// Measures reference/measured in pairs and sets counters `name` (the median)
// and `name`_ci_pct (the interval's half-width, % of the median); a wide
// interval adds "name ±X% (noisy)" to `notes`. An impossible value is measured
// again once; if it stays impossible, no counter is set and `notes` says why.
// Returns the interval, or nullopt when nothing was reported.
std::optional<stats::Interval> report_paired_ratio(benchmark::State& state, std::string_view name,
                                                   const stats::TimedRun& reference, const stats::TimedRun& measured,
                                                   const Plausibility& plausible, std::string& notes);

}  // namespace tvp::bench
