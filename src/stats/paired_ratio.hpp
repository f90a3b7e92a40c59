#pragma once
// Ratios that a burst of noise cannot fake: the reference and the measured
// configuration run in alternation (A B A B ...), the ratio is taken per pair,
// and the result is the pairs' median with a 95% interval. A burst that slows
// one run slows its neighbour too, so it moves that pair's ratio little, and
// the median ignores the few pairs it hits. (A reference measured once, apart,
// turns a burst during either side into any value: a speedup of 4.79 at one
// worker was seen that way.)
#include <cstddef>
#include <functional>
#include <vector>

namespace tvp::stats {

struct Interval {
    double median = 0;
    double low = 0;  // the 95% interval of the median (order statistics)
    double high = 0;
    std::size_t samples = 0;
    // The interval's larger distance from the median, as a fraction of it.
    double half_width() const;
};

// The median of `values` and its distribution-free 95% interval: the order
// statistics whose ranks a Binomial(n, 1/2) puts 2.5% of its mass below and
// above. With fewer than 6 values no such interval exists: it spans them all.
// Requires at least one value.
Interval median_interval(std::vector<double> values);

struct PairOptions {
    std::size_t min_pairs = 6;    // at least this many, whatever the precision
    std::size_t max_pairs = 64;   // at most
    double target = 0.03;         // stop once half_width() <= target ...
    double budget_seconds = 0.2;  // ... or once the pairs took this long
};

// One run of a side: does the work, checks it, returns the seconds it took.
using TimedRun = std::function<double()>;

// Runs pairs of reference and measured (each pair in a random order) and
// returns the interval of (reference seconds / measured seconds) per pair.
Interval paired_ratio(const TimedRun& reference, const TimedRun& measured, const PairOptions& options = {});

}  // namespace tvp::stats
