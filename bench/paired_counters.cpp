#include "paired_counters.hpp"

#include <fmt/format.h>

namespace tvp::bench {

std::optional<stats::Interval> report_paired_ratio(benchmark::State& state, std::string_view name,
                                                   const stats::TimedRun& reference, const stats::TimedRun& measured,
                                                   const Plausibility& plausible, std::string& notes) {
    stats::Interval ratio = stats::paired_ratio(reference, measured);
    std::optional<std::string> problem = plausible ? plausible(ratio.median) : std::nullopt;
    if (problem) {  // once more: a burst that outlasted the pairs
        ratio = stats::paired_ratio(reference, measured);
        problem = plausible(ratio.median);
    }
    if (problem) {
        notes += fmt::format(" {} omitted: {}, impossible; the machine was too noisy ({} pairs from {:.3g} to {:.3g})",
                             name, *problem, ratio.samples, ratio.low, ratio.high);
        return std::nullopt;
    }
    const std::string key(name);
    state.counters[key] = ratio.median;
    state.counters[key + "_ci_pct"] = 100 * ratio.half_width();
    if (ratio.half_width() > noisy_ratio) notes += fmt::format(" {} ±{:.0f}% (noisy)", name, 100 * ratio.half_width());
    return ratio;
}

}  // namespace tvp::bench
