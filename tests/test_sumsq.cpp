#include <gtest/gtest.h>

#include "launch/launcher.hpp"
#include "sumsq/parallel_sumsq.hpp"
#include "sumsq/sumsq.hpp"
#include "test_support.hpp"

namespace tvp {
namespace {

constexpr std::uint64_t two_to_32 = std::uint64_t{1} << 32;

// Adds one square at a time in 128 bits: the reference, independent of the kernels.
uint128 reference_sum(std::uint64_t begin, std::uint64_t end) {
    uint128 total = 0;
    for (uint128 i = begin; i < end; ++i) total += i * i;
    return total;
}

TEST(SumOfSquares, SmallCasesMatchTheClosedForm) {
    for (std::uint64_t n : {0, 1, 2, 3, 10}) {
        EXPECT_EQ(sum_of_squares(0, n), reference_sum(0, n)) << n;
        EXPECT_EQ(sum_of_squares_naive(0, n), reference_sum(0, n)) << n;
        EXPECT_EQ(sum_of_squares_closed_form(n), reference_sum(0, n)) << n;
    }
    EXPECT_EQ(sum_of_squares(0, 10), 285u);
}

TEST(SumOfSquares, TheChaptersCaseIsExact) {
    // The chapter's Value('d') prints 3.333333283333333e+23; the exact value:
    EXPECT_EQ(to_decimal(*sum_of_squares_closed_form(100'000'000)), "333333328333333350000000");
}

TEST(SumOfSquares, StaysExactAcrossAndAbove2To32) {
    // i*i no longer fits 64 bits above 2^32: a sub-range on each side, and one across.
    for (auto [begin, end] : {std::pair{two_to_32 - 1000, two_to_32 + 1000}, std::pair{two_to_32, two_to_32 + 7},
                              std::pair{5 * two_to_32 + 3, 5 * two_to_32 + 2003}}) {
        EXPECT_EQ(sum_of_squares(begin, end), reference_sum(begin, end)) << begin;
        EXPECT_EQ(sum_of_squares(begin, end), *sum_of_squares_closed_form(end) - *sum_of_squares_closed_form(begin));
    }
}

TEST(SumOfSquares, FastKernelMatchesOnAnOddLengthRange) {
    EXPECT_EQ(sum_of_squares(12345, 1'012'346), reference_sum(12345, 1'012'346));
    EXPECT_EQ(sum_of_squares(7, 7), 0u);
}

TEST(SumOfSquares, ClosedFormKnowsWhereItStopsFitting) {
    const std::uint64_t largest = max_sum_of_squares_n();
    EXPECT_GT(largest, 10'000'000'000'000u);
    EXPECT_TRUE(sum_of_squares_closed_form(largest).has_value());
    EXPECT_FALSE(sum_of_squares_closed_form(largest + 1).has_value());
    EXPECT_FALSE(sum_of_squares_closed_form(UINT64_MAX).has_value());
}

TEST(SplitWork, SplitsAsTheChapterDoes) {
    EXPECT_EQ(split_work(10, 4),
              (std::vector<IndexRange>{{0, 2}, {2, 4}, {4, 6}, {6, 10}}));           // the last takes the remainder
    EXPECT_EQ(split_work(2, 3), (std::vector<IndexRange>{{0, 0}, {0, 0}, {0, 2}}));  // more workers than n
    EXPECT_EQ(split_work(0, 1), (std::vector<IndexRange>{{0, 0}}));
    EXPECT_THROW(split_work(5, 0), std::invalid_argument);
}

TEST(ToDecimal, PrintsAll128Bits) {
    EXPECT_EQ(to_decimal(0), "0");
    EXPECT_EQ(to_decimal(~uint128{0}), "340282366920938463463374607431768211455");
}

class ParallelSumTest : public testing::LeakCheckedTest, public ::testing::WithParamInterface<Backend> {};

TEST_P(ParallelSumTest, EveryBackendReturnsTheSameExactSum) {
    const Launcher launcher(GetParam());
    for (auto [n, workers] : {std::pair<std::uint64_t, unsigned>{1'000'003, 3},  // not divisible by W
                              {3, 5},                                            // W greater than n
                              {0, 2},
                              {10, 1}}) {
        ParallelSumOfSquares parallel(launcher, workers);
        EXPECT_EQ(parallel.run(n), *sum_of_squares_closed_form(n)) << "n=" << n << " workers=" << workers;
    }
}

TEST_P(ParallelSumTest, RunsRepeatedlyWithTheSameSlots) {
    const Launcher launcher(GetParam());
    ParallelSumOfSquares parallel(launcher, 2);
    EXPECT_EQ(parallel.run(1000), *sum_of_squares_closed_form(1000));
    EXPECT_EQ(parallel.run(10), 285u);
}

INSTANTIATE_TEST_SUITE_P(AllBackends, ParallelSumTest, ::testing::ValuesIn(all_backends),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST(ParallelSum, AFailingWorkerIsAnErrorNotAWrongSum) {
    // A worker executable that runs no task at all: every spawned worker fails.
    const Launcher launcher(Backend::posix_spawn, "/bin/false");
    ParallelSumOfSquares parallel(launcher, 2);
    EXPECT_THROW(parallel.run(100), std::runtime_error);
}

TEST(ParallelSum, AWorkerThatExitsCleanlyWithoutWritingIsCaught) {
    // /bin/true succeeds but writes no partial sum: the empty slot must be noticed.
    const Launcher launcher(Backend::posix_spawn, "/bin/true");
    ParallelSumOfSquares parallel(launcher, 2);
    try {
        parallel.run(100);
        FAIL() << "expected std::runtime_error";
    } catch (const std::runtime_error& error) {
        EXPECT_NE(std::string(error.what()).find("without writing its partial sum"), std::string::npos);
    }
}

}  // namespace
}  // namespace tvp
