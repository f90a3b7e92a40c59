#pragma once
// A ratio counter (speedup, efficiency, speed_vs_thread) from paired runs
// (stats/paired_ratio.hpp): set with its interval, flagged when the interval
// is wide, and never reported when its value is impossible.
#include <benchmark/benchmark.h>

#include <functional>
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

// Measures reference/measured in pairs and sets counters `name` (the median)
// and `name`_ci_pct (the interval's half-width, % of the median); a wide
// interval adds "name ±X% (noisy)" to `notes`. An impossible value is measured
// again once; if it stays impossible, no counter is set and `notes` says why.
// Returns the interval, or nullopt when nothing was reported.
std::optional<stats::Interval> report_paired_ratio(benchmark::State& state, std::string_view name,
                                                   const stats::TimedRun& reference, const stats::TimedRun& measured,
                                                   const Plausibility& plausible, std::string& notes);

}  // namespace tvp::bench
