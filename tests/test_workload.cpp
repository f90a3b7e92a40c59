// The workload scenario (src/workload/): every strategy runs every task and
// checks its sum and returned payload; a task that crashes its worker is an
// error for a per-task strategy and a replaced worker for a pool; the payload
// check refuses an echo, another task's reply and a changed byte.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "pool/pool_protocol.hpp"
#include "sumsq/sumsq.hpp"
#include "test_support.hpp"
#include "workload/workload.hpp"

namespace tvp {
namespace {

using workload::Strategy;
using workload::WorkloadRun;

class WorkloadTest : public testing::LeakCheckedTest, public ::testing::WithParamInterface<Strategy> {};

std::string strategy_name(const ::testing::TestParamInfo<Strategy>& info) {
    return std::string(workload::info(info.param).name);
}

std::vector<Strategy> every_strategy() {
    std::vector<Strategy> strategies;
    for (const auto& row : workload::strategy_table) strategies.push_back(row.strategy);
    return strategies;
}

TEST_P(WorkloadTest, RunsEveryTaskWithItsPayloadThereAndBack) {
    // 5 tasks on 2 workers: the per-task strategies' last batch has one worker.
    // 100 KiB and 300 KiB: above the sizes with which a pool keeps two tasks in
    // flight over a pipe (16 KiB) and over the ring (256 KiB).
    for (std::uint64_t bytes : {0u, 4096u, 100u << 10, 300u << 10}) {
        WorkloadRun run(GetParam(), {.tasks = 5, .task_us = 0, .bytes = bytes, .workers = 2}, 1000);
        EXPECT_NO_THROW(run.run()) << bytes << " bytes";
        EXPECT_NO_THROW(run.run()) << bytes << " bytes, again";
    }
}

TEST_P(WorkloadTest, ACrashingTaskIsAnErrorAndAPoolReplacesItsWorker) {
    WorkloadRun run(GetParam(), {.tasks = 6, .task_us = 0, .bytes = 64, .workers = 2}, 100);
    EXPECT_THROW(run.run(3), pool::WorkerFailed);
    const bool pooled = workload::info(GetParam()).pooled;
    EXPECT_EQ(run.replaced_workers(), pooled ? 1u : 0u);
    EXPECT_NO_THROW(run.run());  // the pool runs on with its replacement; per task, new workers anyway
}

INSTANTIATE_TEST_SUITE_P(Strategies, WorkloadTest, ::testing::ValuesIn(every_strategy()), strategy_name);

TEST(Workload, RefusesImpossibleWorkloads) {
    EXPECT_THROW(WorkloadRun(Strategy::thread_pool, {.tasks = 0, .workers = 1}, 1), std::invalid_argument);
    EXPECT_THROW(WorkloadRun(Strategy::thread_pool, {.tasks = 1, .workers = 0}, 1), std::invalid_argument);
    EXPECT_THROW(WorkloadRun(Strategy::thread_pool, {.tasks = 1, .bytes = workload::max_bytes + 1, .workers = 1}, 1),
                 std::invalid_argument);
    // 16 slots of this many elements would pass the largest n the sum of squares takes.
    EXPECT_THROW(WorkloadRun(Strategy::thread_pool, {.tasks = 1, .workers = 1}, max_sum_of_squares_n() / 8),
                 std::invalid_argument);
}

TEST(Workload, MeasuresAPlausibleKernelSpeed) {
    // Between 10 elements per µs (a 100 MHz machine) and 100,000 (no CPU sums that fast).
    EXPECT_GT(workload::elements_per_us(), 10.0);
    EXPECT_LT(workload::elements_per_us(), 100'000.0);
}

std::vector<std::byte> bytes_0_to(std::size_t count) {
    std::vector<std::byte> bytes(count);
    for (std::size_t i = 0; i < count; ++i) bytes[i] = static_cast<std::byte>(i * 7 + 3);
    return bytes;
}

TEST(WorkloadPayload, TheTransformIsCheckedByteForByteAndPerTask) {
    const auto sent = bytes_0_to(300);
    std::vector<std::byte> reply(sent.size());
    pool::transform_payload(sent, 41, reply);
    EXPECT_TRUE(pool::is_transformed_payload(sent, 41, reply));
    EXPECT_FALSE(pool::is_transformed_payload(sent, 41, sent)) << "an echo is not the reply";
    std::vector<std::byte> other_task(sent.size());
    pool::transform_payload(sent, 42, other_task);
    EXPECT_FALSE(pool::is_transformed_payload(sent, 41, other_task)) << "another task's reply";
    reply[299] ^= std::byte{1};
    EXPECT_FALSE(pool::is_transformed_payload(sent, 41, reply)) << "the last byte changed";
    reply[299] ^= std::byte{1};
    reply.pop_back();
    EXPECT_FALSE(pool::is_transformed_payload(sent, 41, reply)) << "a byte short";
}

TEST(WorkloadPayload, ARequestCarriesItsPayloadAndOnlyAWorkloadTaskTakesOne) {
    const auto payload = bytes_0_to(100);
    std::vector<std::byte> buffer;
    const pool::PoolTask task{pool::TaskKind::workload, {5, 9}, payload};
    const auto decoded = pool::decode_request(pool::encode_request(buffer, 3, task));
    EXPECT_EQ(decoded.sequence, 3u);
    EXPECT_EQ(decoded.task.range.end, 9u);
    ASSERT_EQ(decoded.task.payload.size(), 100u);
    EXPECT_TRUE(std::ranges::equal(decoded.task.payload, payload));
    const auto with_payload = pool::encode_request(buffer, 3, {pool::TaskKind::sumsq, {5, 9}, payload});
    EXPECT_THROW(pool::decode_request(with_payload), std::runtime_error);
    const auto whole = pool::encode_request(buffer, 3, task);
    EXPECT_THROW(pool::decode_request(whole.first(whole.size() - 1)), std::runtime_error) << "a byte short";
}

TEST(WorkloadPayload, AReplyCarriesItsValueAndPayload) {
    const uint128 value = *sum_of_squares_closed_form(10'000'000);  // above 2^64
    std::vector<std::byte> buffer;
    const auto message = pool::encode_reply(buffer, 9, value, 3, [](std::span<std::byte> out) {
        std::iota(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<unsigned char*>(out.data()) + 3, 1);
    });
    const auto reply = pool::decode_reply(message);
    EXPECT_EQ(to_decimal(reply.value), to_decimal(value));
    ASSERT_EQ(reply.payload.size(), 3u);
    EXPECT_EQ(reply.payload[2], std::byte{3});
}

}  // namespace
}  // namespace tvp
