#include "stats/paired_ratio.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>

namespace tvp::stats {

namespace {

// P(Binomial(n, 1/2) <= k).
double binomial_cdf_half(std::size_t n, std::size_t k) {
    double term = std::pow(0.5, static_cast<double>(n));  // P(X = 0)
    double total = 0;
    for (std::size_t i = 0; i <= k && i <= n; ++i) {
        total += term;
        term *= static_cast<double>(n - i) / static_cast<double>(i + 1);
    }
    return total;
}

}  // namespace

double Interval::half_width() const {
    if (median == 0) return 0;
    return std::max(median - low, high - median) / std::abs(median);
}

Interval median_interval(std::vector<double> values) {
    if (values.empty()) throw std::invalid_argument("median_interval: no values");
    std::ranges::sort(values);
    const std::size_t n = values.size();
    const double median = n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    // The largest j with P(X < j) <= 2.5%: [x_(j), x_(n+1-j)] (1-based) covers the median with >= 95%.
    std::size_t j = 0;
    while (j + 1 <= n / 2 && binomial_cdf_half(n, j) <= 0.025) ++j;
    const std::size_t low_rank = std::max<std::size_t>(j, 1);  // 1-based
    return {median, values[low_rank - 1], values[n - low_rank], n};
}

Interval paired_ratio(const TimedRun& reference, const TimedRun& measured, const PairOptions& options) {
    if (options.min_pairs == 0 || options.max_pairs < options.min_pairs)
        throw std::invalid_argument("paired_ratio: needs 1 <= min_pairs <= max_pairs");
    std::vector<double> ratios;
    double spent = 0;
    std::uint64_t coin = 0x9E3779B97F4A7C15ULL;
    while (ratios.size() < options.max_pairs) {
        // Each pair's order by a coin flip: a machine that alternates (a
        // thread started right after another's end landing on the other CPU,
        // every second time) must not make one side always the fast one.
        coin = coin * 6364136223846793005ULL + 1442695040888963407ULL;
        double reference_seconds = 0, measured_seconds = 0;
        if (coin >> 63) {
            reference_seconds = reference();
            measured_seconds = measured();
        } else {
            measured_seconds = measured();
            reference_seconds = reference();
        }
        if (!(measured_seconds > 0) || !(reference_seconds > 0))
            throw std::runtime_error("paired_ratio: a run took no measurable time");
        ratios.push_back(reference_seconds / measured_seconds);
        spent += reference_seconds + measured_seconds;
        if (ratios.size() < options.min_pairs) continue;
        if (median_interval(ratios).half_width() <= options.target || spent >= options.budget_seconds) break;
    }
    return median_interval(ratios);
}

}  // namespace tvp::stats
