// Ratios from paired runs (src/stats/paired_ratio): the median's interval
// from order statistics, and a burst or an alternating machine that a
// reference measured apart turns into a wrong ratio, and the pairs do not.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <vector>

#include "stats/paired_ratio.hpp"

namespace tvp {
namespace {

using stats::Interval;
using stats::median_interval;
using stats::paired_ratio;

TEST(MedianInterval, UsesTheBinomialRanksOfTheMedian) {
    std::vector<double> values(20);
    std::iota(values.begin(), values.end(), 1.0);  // 1 .. 20
    std::reverse(values.begin(), values.end());    // order does not matter
    const Interval interval = median_interval(values);
    EXPECT_DOUBLE_EQ(interval.median, 10.5);
    // n = 20: P(Bin(20, 1/2) <= 5) = 2.07% <= 2.5% < P(<= 6) = 5.77%: ranks 6 and 15.
    EXPECT_DOUBLE_EQ(interval.low, 6.0);
    EXPECT_DOUBLE_EQ(interval.high, 15.0);
    EXPECT_EQ(interval.samples, 20u);
    EXPECT_NEAR(interval.half_width(), 4.5 / 10.5, 1e-12);
}

TEST(MedianInterval, SpansEverythingBelowSixValues) {
    const Interval interval = median_interval({5.0, 1.0, 3.0, 4.0, 2.0});
    EXPECT_DOUBLE_EQ(interval.median, 3.0);
    EXPECT_DOUBLE_EQ(interval.low, 1.0);  // P(Bin(5, 1/2) = 0) = 3.1% > 2.5%: no narrower interval
    EXPECT_DOUBLE_EQ(interval.high, 5.0);
    EXPECT_THROW(median_interval({}), std::invalid_argument);
}

// A simulated machine: runs take their base time times the load at the
// moment they start, and advance the clock.
struct SimulatedMachine {
    double now = 0;
    std::function<double(double)> load;
    int calls = 0;
    stats::TimedRun run(double base_seconds) {
        return [this, base_seconds] {
            ++calls;
            const double seconds = base_seconds * load(now);
            now += seconds;
            return seconds;
        };
    }
};

constexpr stats::PairOptions unlimited{.min_pairs = 21, .max_pairs = 21, .target = 0, .budget_seconds = 1e9};

TEST(PairedRatio, ABurstOnOneSideMovesTheOldRatioNotThePairs) {
    // Both sides take 10 ms: the true ratio is 1. A burst triples the machine's
    // times during the first 200 ms.
    SimulatedMachine machine{.load = [](double t) { return t < 0.2 ? 3.0 : 1.0; }};
    const stats::TimedRun reference = machine.run(0.010), measured = machine.run(0.010);

    // The old way: the reference's 5 runs first, apart, then the measured ones.
    std::vector<double> reference_runs, measured_runs;
    for (int i = 0; i < 5; ++i) reference_runs.push_back(reference());
    for (int i = 0; i < 5; ++i) measured_runs.push_back(measured());
    const double old_ratio = median_interval(reference_runs).median / median_interval(measured_runs).median;
    EXPECT_NEAR(old_ratio, 3.0, 1e-9) << "the burst hit the reference alone";

    machine.now = 0;
    const Interval paired = paired_ratio(reference, measured, unlimited);
    EXPECT_NEAR(paired.median, 1.0, 1e-9) << "a burst slows both runs of a pair";
    EXPECT_EQ(paired.samples, 21u);
}

TEST(PairedRatio, AMachineThatAlternatesCannotMakeOneSideTheFastOne) {
    // Every second run is three times slower, whichever side it is.
    SimulatedMachine machine;
    machine.load = [&machine](double) { return machine.calls % 2 ? 3.0 : 1.0; };
    const Interval paired = paired_ratio(machine.run(0.010), machine.run(0.010),
                                         {.min_pairs = 64, .max_pairs = 64, .target = 0, .budget_seconds = 1e9});
    // Each pair holds one slow and one fast run in a random order: ratios of 3 and 1/3, half each.
    EXPECT_GT(paired.high, 2.9);
    EXPECT_LT(paired.low, 0.35);
    EXPECT_GT(paired.half_width(), 0.10) << "so the ratio is flagged as noisy, not printed bare";
}

TEST(PairedRatio, StopsAtTheFloorWhenSteadyAndAtTheBudgetWhenNot) {
    SimulatedMachine steady{.load = [](double) { return 1.0; }};
    EXPECT_EQ(paired_ratio(steady.run(0.001), steady.run(0.002)).samples, stats::PairOptions{}.min_pairs);
    EXPECT_NEAR(paired_ratio(steady.run(0.001), steady.run(0.002)).median, 0.5, 1e-12);

    int step = 0;
    SimulatedMachine noisy{.load = [&step](double) { return 1.0 + (++step * 7919 % 100) / 50.0; }};
    const Interval ratio = paired_ratio(noisy.run(0.002), noisy.run(0.002));
    EXPECT_GT(ratio.half_width(), stats::PairOptions{}.target);
    EXPECT_GT(ratio.samples, stats::PairOptions{}.min_pairs);
    EXPECT_LT(ratio.samples, stats::PairOptions{}.max_pairs) << "0.2 s of pairs of 4 to 12 ms: about 25";
    EXPECT_THROW(paired_ratio(steady.run(0.0), steady.run(0.001)), std::runtime_error);
}

}  // namespace
}  // namespace tvp
