// Guards written by the mutation audit (scripts/mutation-audit, tests/mutation/plants.json):
// each pins a value, with its unit, on a known case, so that a wrong unit, an
// off-by-one or a dropped check in the code under it fails a test.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <vector>

// The percentile is bench's (bench/latency_stats.cpp), not the library's: compiled in
// here. Its header includes Google Benchmark's, whose one out-of-line call at
// start-up tvp_tests (not linked with it) gets from this weak stand-in.
#include "../bench/latency_stats.cpp"

namespace benchmark::internal {
__attribute__((weak)) int InitializeStreams() {
    static std::ios_base::Init init;
    return 0;
}
}  // namespace benchmark::internal
#include "ipc/message.hpp"
#include "process/exit_status.hpp"
#include "launch/launcher.hpp"
#include "manager/workload.hpp"
#include "memory/memory_probe.hpp"
#include "os/resource_usage.hpp"
#include "pool/per_task_sumsq.hpp"
#include "pool/pool_protocol.hpp"
#include "sumsq/sumsq.hpp"

namespace tvp {
namespace {

std::vector<std::int64_t> one_to(std::int64_t count) {  // 1 µs, 2 µs, ... in ns, shuffled
    std::vector<std::int64_t> samples;
    for (std::int64_t i = 1; i <= count; ++i) samples.push_back(i * 1000);
    for (std::size_t i = 0; i < samples.size(); ++i) std::swap(samples[i], samples[(i * 7919) % samples.size()]);
    return samples;
}

TEST(MutationGuard, PercentileIsTheNearestRankInMicroseconds) {
    auto samples = one_to(100);                                   // 1..100 µs
    EXPECT_DOUBLE_EQ(bench::percentile_us(samples, 0.50), 51.0);  // index 50 of 0..99
    EXPECT_DOUBLE_EQ(bench::percentile_us(samples, 0.99), 100.0);
    EXPECT_DOUBLE_EQ(bench::percentile_us(samples, 0.0), 1.0);
    auto single = one_to(1);
    EXPECT_DOUBLE_EQ(bench::percentile_us(single, 0.5), 1.0);
    auto ten = one_to(10);
    EXPECT_DOUBLE_EQ(bench::percentile_us(ten, 0.5), 6.0);
    EXPECT_DOUBLE_EQ(bench::percentile_us(ten, 0.1), 2.0);
}

TEST(MutationGuard, AMessageOfAnotherKindIsRefused) {
    ipc::MessageWriter writer(64);
    ipc::MessageChecker checker(64);
    EXPECT_THROW(checker.check(writer.next(0, ipc::MessageHeader::ack)), std::runtime_error);
    EXPECT_THROW(checker.check(writer.next(0, ipc::MessageHeader::end_of_stream)), std::runtime_error);
    EXPECT_EQ(checker.next_sequence(), 0u);
    checker.check(writer.next(0, ipc::MessageHeader::data));
}

TEST(MutationGuard, AMessageLongerThanItsHeaderSaysIsRefused) {
    ipc::MessageWriter writer(64);
    ipc::MessageChecker checker(64);
    const auto message = writer.next(0);
    std::vector<std::byte> longer(message.begin(), message.end());
    longer.resize(longer.size() + 8, std::byte{0});  // zeros: the checksum alone would not see them
    EXPECT_THROW(checker.check(longer), std::runtime_error);
}

TEST(MutationGuard, AReplyCarriesAll128Bits) {
    const uint128 value = *sum_of_squares_closed_form(10'000'000);  // above 2^64
    ASSERT_GT(value >> 64, 0u);
    std::vector<std::byte> buffer;
    const auto decoded = pool::decode_reply(pool::encode_reply(buffer, 7, value));
    EXPECT_EQ(decoded.sequence, 7u);
    EXPECT_EQ(to_decimal(decoded.value), to_decimal(value));
}

TEST(MutationGuard, TheAppendsOfARunCountEveryWorker) {
    EXPECT_EQ(manager::total_appends(4, 10, manager::Mix::write), 40u);
    EXPECT_EQ(manager::total_appends(3, 20, manager::Mix::read90),
              3 * manager::total_appends(1, 20, manager::Mix::read90));
}

TEST(MutationGuard, AKeyOfNoWorkerInTheDictIsALostUpdate) {
    const std::vector<std::uint64_t> list{0, 1};  // worker 0, ops 0 and 1
    EXPECT_EQ(manager::verify(list, {{"worker0", 1}}, 1, 2, manager::Mix::write), 2u);
    EXPECT_THROW(manager::verify(list, {{"worker0", 1}, {"worker1", 1}}, 1, 2, manager::Mix::write),
                 std::runtime_error);
}

TEST(MutationGuard, AnExpectedExitCodeOtherThanZeroIsRequired) {
    const std::vector<ExitStatus> three{ExitStatus::exited(3), ExitStatus::exited(3)};
    EXPECT_NO_THROW(require_exit_code(three, 3));
    const std::vector<ExitStatus> one_zero{ExitStatus::exited(3), ExitStatus::exited(0)};
    EXPECT_THROW(require_exit_code(one_zero, 3), std::runtime_error);
}

TEST(MutationGuard, TheLastChunkEndsAtN) {
    const auto tasks = pool::sumsq_tasks(1050, 100);
    ASSERT_EQ(tasks.size(), 11u);
    EXPECT_EQ(tasks.back().range.begin, 1000u);
    EXPECT_EQ(tasks.back().range.end, 1050u);
    for (std::size_t i = 1; i < tasks.size(); ++i) EXPECT_EQ(tasks[i].range.begin, tasks[i - 1].range.end);
}

TEST(MutationGuard, AWorkerPerTaskSumsEveryTask) {
    // 7 tasks on 2 workers: batches of 2, 2, 2 and 1.
    const Launcher threads(Backend::thread);  // the sum keeps a reference to it
    pool::PerTaskSumOfSquares per_task(threads, 2, 7'000, 1'000);
    EXPECT_EQ(to_decimal(per_task.run()), to_decimal(*sum_of_squares_closed_form(7'000)));
}

TEST(MutationGuard, ResidentSizesAreKibibytes) {
    const ProcessMemory memory = read_process_memory(0);
    EXPECT_GT(memory.rss_bytes, 0u);
    EXPECT_EQ(memory.rss_bytes % 1024, 0u) << "smaps_rollup counts kB = 1024 bytes";
    EXPECT_EQ(memory.pss_bytes % 1024, 0u);
    // 32 MiB written: the resident size grows by 32 MiB, within 1%.
    constexpr std::size_t bytes = 32u << 20;
    void* mapped = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ASSERT_NE(mapped, MAP_FAILED);
    ::madvise(mapped, bytes, MADV_NOHUGEPAGE);
    const ProcessMemory before = read_process_memory(0);
    std::memset(mapped, 1, bytes);
    const ProcessMemory after = read_process_memory(0);
    ::munmap(mapped, bytes);
    const double grown = static_cast<double>(after.rss_bytes) - static_cast<double>(before.rss_bytes);
    EXPECT_NEAR(grown, static_cast<double>(bytes), 0.01 * bytes);
}

TEST(MutationGuard, AThreadsMemoryIsPerWorker) {
    // Each thread's own pages (its stack) are the same whatever the count: per
    // worker, 4 threads cost what 1 does, not 4 times as much.
    const Launcher threads(Backend::thread);
    const WorkerMemory one = measure_worker_memory(threads, 1);
    const WorkerMemory four = measure_worker_memory(threads, 4);
    ASSERT_GT(one.rss_bytes_per_worker, 0);
    EXPECT_GT(four.rss_bytes_per_worker, 0.5 * one.rss_bytes_per_worker);
    EXPECT_LT(four.rss_bytes_per_worker, 2.0 * one.rss_bytes_per_worker);
}

TEST(MutationGuard, ChildrenCpuSecondsAreWhatTheChildUsed) {
    int report[2];
    ASSERT_EQ(::pipe(report), 0);
    const double before = children_cpu_seconds();
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {  // about 0.3 s of CPU, much of it in the kernel; then its own count, in µs
        const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
        while (std::chrono::steady_clock::now() < end)
            for (int i = 0; i < 100; ++i) ::getppid();
        rusage usage{};
        ::getrusage(RUSAGE_SELF, &usage);
        const long long used_us[2] = {usage.ru_utime.tv_sec * 1'000'000LL + usage.ru_utime.tv_usec,
                                      usage.ru_stime.tv_sec * 1'000'000LL + usage.ru_stime.tv_usec};
        (void)!::write(report[1], used_us, sizeof used_us);
        ::_exit(0);
    }
    ::close(report[1]);
    long long used_us[2] = {0, 0};
    ASSERT_EQ(::read(report[0], used_us, sizeof used_us), static_cast<ssize_t>(sizeof used_us));
    ::close(report[0]);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    const double used = children_cpu_seconds() - before;
    const double child_says = static_cast<double>(used_us[0] + used_us[1]) * 1e-6;
    EXPECT_GT(used_us[1], 20'000) << "the child should spend some of its time in the kernel";
    EXPECT_NEAR(used, child_says, 0.01) << "user " << used_us[0] << " µs, system " << used_us[1] << " µs";
}

}  // namespace
}  // namespace tvp
