#include "workload/workload.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>

#include "sumsq/sumsq.hpp"

namespace tvp::workload {

namespace {

// Tasks take their ranges from this many slots, one after another, so that
// neighbours sum different numbers and every sum stays far below 2^128.
constexpr std::uint64_t range_slots = 16;
// Payload windows start at one of this many offsets into the pattern.
constexpr std::size_t payload_offsets = 256;

IndexRange range_of(std::uint64_t task, std::uint64_t elements) {
    const std::uint64_t begin = (task % range_slots) * elements;
    return {begin, begin + elements};
}

uint128 expected_sum(IndexRange range) {
    return *sum_of_squares_closed_form(range.end) - *sum_of_squares_closed_form(range.begin);
}

std::vector<std::byte> payload_pattern(std::uint64_t bytes) {
    if (bytes == 0) return {};
    std::vector<std::byte> pattern(bytes + payload_offsets);
    std::uint64_t state = 0x2545F4914F6CDD1DULL;
    for (std::byte& value : pattern) {  // xorshift64: no byte follows from its neighbour
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        value = static_cast<std::byte>(state >> 56);
    }
    return pattern;
}

void check_workload(const Workload& workload, std::uint64_t elements_per_task) {
    if (workload.tasks == 0 || workload.tasks > max_tasks)
        throw std::invalid_argument("a workload needs 1 to " + std::to_string(max_tasks) + " tasks");
    if (workload.workers == 0) throw std::invalid_argument("a workload needs at least one worker");
    if (workload.bytes > max_bytes)
        throw std::invalid_argument("a task carries at most " + std::to_string(max_bytes) + " bytes");
    if (elements_per_task > max_sum_of_squares_n() / range_slots)
        throw std::invalid_argument("a task of " + std::to_string(elements_per_task) +
                                    " elements would overflow the sum of squares");
}

}  // namespace

const StrategyInfo& info(Strategy strategy) {
    return *std::ranges::find(strategy_table, strategy, &StrategyInfo::strategy);
}

double elements_per_us() {
    static const double measured = [] {
        constexpr std::uint64_t elements = 1 << 20;
        std::vector<double> seconds;
        for (int run = 0; run < 7; ++run) {
            volatile std::uint64_t end = elements;  // not folded into a constant
            const auto start = std::chrono::steady_clock::now();
            const uint128 sum = sum_of_squares(0, end);
            seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
            if (sum != *sum_of_squares_closed_form(elements))
                throw std::runtime_error("the sum of squares kernel is wrong on this machine");
        }
        std::ranges::nth_element(seconds, seconds.begin() + 3);
        return static_cast<double>(elements) / (seconds[3] * 1e6);
    }();
    return measured;
}

WorkloadRun::WorkloadRun(Strategy strategy, const Workload& workload, std::uint64_t elements_per_task,
                         const std::filesystem::path& worker_executable)
    : strategy_(info(strategy)), workload_(workload), worker_executable_(worker_executable) {
    check_workload(workload, elements_per_task);
    pattern_ = payload_pattern(workload.bytes);
    tasks_.reserve(workload.tasks);
    for (std::uint64_t task = 0; task < workload.tasks; ++task) {
        std::span<const std::byte> payload;
        if (workload.bytes > 0) payload = std::span(pattern_).subspan(task % payload_offsets, workload.bytes);
        tasks_.push_back({pool::TaskKind::workload, range_of(task, elements_per_task), payload});
    }
    if (strategy_.pooled) {
        pool_ = std::make_unique<pool::Pool>(pool_options(workload.workers));
        // Warm-up, untimed: one task per worker.
        pool_->map(std::span(tasks_).first(std::min<std::size_t>(workload.workers, tasks_.size())));
    }
}

WorkloadRun::~WorkloadRun() = default;

pool::PoolOptions WorkloadRun::pool_options(unsigned workers) const {
    return {.backend = strategy_.backend,
            .mechanism = strategy_.mechanism,
            .wait = strategy_.wait,
            .workers = workers,
            .worker_executable = worker_executable_,
            .max_payload_bytes = workload_.bytes};
}

void WorkloadRun::check(std::span<const uint128> sums, std::size_t first_task) const {
    for (std::size_t i = 0; i < sums.size(); ++i) {
        const IndexRange range = tasks_[first_task + i].range;
        if (sums[i] != expected_sum(range))
            throw std::runtime_error("task " + std::to_string(first_task + i) + " summed [" +
                                     std::to_string(range.begin) + ", " + std::to_string(range.end) + ") to " +
                                     to_decimal(sums[i]) + ", expected " + to_decimal(expected_sum(range)));
    }
}

void WorkloadRun::run(std::optional<std::uint64_t> crashing_task) {
    std::vector<pool::PoolTask> with_crash;
    std::span<const pool::PoolTask> tasks(tasks_);
    if (crashing_task) {
        with_crash = tasks_;
        with_crash.at(*crashing_task) = {pool::TaskKind::crash, {}, {}};
        tasks = with_crash;
    }
    if (pool_) {
        check(pool_->map(tasks), 0);
        return;
    }
    // Per task: W workers start, each runs one task, all end; then the next W.
    for (std::size_t first = 0; first < tasks.size(); first += workload_.workers) {
        const auto batch = tasks.subspan(first, std::min<std::size_t>(workload_.workers, tasks.size() - first));
        pool::PoolOptions options = pool_options(static_cast<unsigned>(batch.size()));
        options.depth = 1;
        pool::Pool workers(options);
        check(workers.map(batch), first);
    }
}

unsigned WorkloadRun::replaced_workers() const { return pool_ ? pool_->replaced() : 0; }

}  // namespace tvp::workload
