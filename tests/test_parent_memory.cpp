// The parent's memory: anonymous memory touched or not, in
// 4 KiB or transparent huge pages, and the copy-on-write measurement's checks.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "bench_runner.hpp"
#include "memory/copy_on_write.hpp"
#include "os/anonymous_memory.hpp"
#include "os/transparent_huge_pages.hpp"
#include "test_support.hpp"

namespace tvp {
namespace {

constexpr std::size_t mib = 1 << 20;

// A shared anonymous mapping: what a broken copy-on-write would look like
// (both sides see every write), to prove that the checks catch it.
struct SharedMapping {
    explicit SharedMapping(std::size_t bytes)
        : size(bytes), address(::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0)) {
        if (address == MAP_FAILED) throw std::system_error(errno, std::generic_category(), "mmap MAP_SHARED");
    }
    ~SharedMapping() { ::munmap(address, size); }
    std::span<std::byte> bytes() const { return {static_cast<std::byte*>(address), size}; }
    std::size_t size;
    void* address;
};

// A file of the test's own, removed at the end.
struct ScratchFile {
    explicit ScratchFile(const std::string& text) {
        char name[] = "/tmp/tvp-parent-memory-XXXXXX";
        const int fd = ::mkstemp(name);
        if (fd < 0) throw std::system_error(errno, std::generic_category(), "mkstemp");
        ::close(fd);
        path = name;
        std::ofstream(path) << text;
    }
    ~ScratchFile() { std::filesystem::remove(path); }
    std::filesystem::path path;
};

template <class Body>
std::string error_of(Body&& body) {
    try {
        body();
    } catch (const std::exception& error) {
        return error.what();
    }
    return "(nothing thrown)";
}

class CopyOnWrite : public testing::LeakCheckedTest {};

TEST_F(CopyOnWrite, TheChildsWritesDoNotReachTheParent) {
    const AnonymousMemory memory(4);
    write_pattern(memory.bytes(), 7);
    const PageWrites writes = time_page_writes(memory.bytes(), 7, PageWriter::forked_child);
    EXPECT_GT(writes.seconds, 0.0);
    EXPECT_EQ(writes.pattern, 7u) << "the parent's memory keeps its pattern";
    EXPECT_EQ(first_page_without(memory.bytes(), 7), std::nullopt);
}

TEST_F(CopyOnWrite, AChildsWritesThatReachTheParentAreAnError) {
    const SharedMapping shared(mib);
    write_pattern(shared.bytes(), 7);
    EXPECT_NE(error_of([&] {
                  time_page_writes(shared.bytes(), 7, PageWriter::forked_child);
              }).find("copy-on-write check failed: the parent sees the child's writes (page 0)"),
              std::string::npos);
}

TEST_F(CopyOnWrite, TheParentsWritesDoNotReachTheChildHoldingThePages) {
    const AnonymousMemory memory(4);
    write_pattern(memory.bytes(), 7);
    const PageWrites writes = time_page_writes(memory.bytes(), 7, PageWriter::parent);
    EXPECT_GT(writes.seconds, 0.0);
    EXPECT_EQ(writes.pattern, 8u);
    EXPECT_EQ(first_page_without(memory.bytes(), 8), std::nullopt);
}

TEST_F(CopyOnWrite, AParentsWritesThatReachTheChildAreAnError) {
    const SharedMapping shared(mib);
    write_pattern(shared.bytes(), 7);
    EXPECT_EQ(error_of([&] { time_page_writes(shared.bytes(), 7, PageWriter::parent); }),
              "copy-on-write check failed: the child sees the parent's writes");
}

TEST_F(CopyOnWrite, AThreadsWritesAreTheCallers) {
    const AnonymousMemory memory(4);
    write_pattern(memory.bytes(), 7);
    const PageWrites writes = time_page_writes(memory.bytes(), 7, PageWriter::thread);
    EXPECT_EQ(writes.pattern, 8u);
    EXPECT_EQ(first_page_without(memory.bytes(), 8), std::nullopt);
}

TEST_F(CopyOnWrite, RejectsMemoryItCannotMeasure) {
    const AnonymousMemory memory(1);
    write_pattern(memory.bytes(), 7);
    EXPECT_THROW(time_page_writes({}, 7, PageWriter::forked_child), std::invalid_argument);
    EXPECT_THROW(time_page_writes(memory.bytes().first(100), 7, PageWriter::thread), std::invalid_argument);
    memory.bytes()[5 * 4096] = std::byte{0};  // page 5 no longer holds the pattern
    EXPECT_EQ(error_of([&] { time_page_writes(memory.bytes(), 7, PageWriter::parent); }),
              "the memory does not hold pattern 7 (page 5)");
}

// Resident pages of `memory`, by mincore().
std::size_t resident_pages(std::span<std::byte> memory) {
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    std::vector<unsigned char> residency(memory.size() / page);
    if (::mincore(memory.data(), memory.size(), residency.data()) != 0)
        throw std::system_error(errno, std::generic_category(), "mincore");
    std::size_t resident = 0;
    for (unsigned char flags : residency) resident += flags & 1;
    return resident;
}

TEST(AnonymousMemory, TouchedMemoryIsResidentAndUntouchedIsOnlyMapped) {
    const AnonymousMemory touched(4);
    const AnonymousMemory untouched(4, {.pages = PageSize::small, .touched = false});
    ASSERT_EQ(touched.bytes().size(), 4 * mib);
    ASSERT_EQ(untouched.bytes().size(), 4 * mib);
    EXPECT_EQ(resident_pages(touched.bytes()), 4 * mib / 4096);
    EXPECT_EQ(resident_pages(untouched.bytes()), 0u);
}

TEST(AnonymousMemory, RejectsBadParameters) {
    EXPECT_EQ(error_of([] { AnonymousMemory(4, {.pages = PageSize::huge, .touched = false}); }),
              "transparent huge pages need touched memory (untouched memory has no pages)");
    EXPECT_EQ(error_of([] { AnonymousMemory(3, {.pages = PageSize::huge}); }),
              "transparent huge pages need whole 2 MiB pages, not 3 MiB");
    EXPECT_THROW(AnonymousMemory(max_anonymous_mebibytes + 1), std::invalid_argument);
    // 512 TiB: more than a process's address space, so the kernel refuses it.
    EXPECT_NE(error_of([] { AnonymousMemory(std::size_t{1} << 29); }).find("mmap 536870912 MiB of anonymous memory"),
              std::string::npos);
    EXPECT_EQ(AnonymousMemory(0).bytes().size(), 0u);
}

TEST(AnonymousMemory, HugePagesTurnedOffAreASkipThatQuotesTheSetting) {
    const ScratchFile setting("always madvise [never]\n");
    EXPECT_EQ(error_of([&] { AnonymousMemory(4, {.pages = PageSize::huge, .thp_setting_file = setting.path}); }),
              "skipped: transparent huge pages are off: always madvise [never]");
}

TEST(AnonymousMemory, HugePagesThatDoNotBackTheMemoryAreASkip) {
    // The setting allows them, but smaps shows no huge page in the mapping.
    const ScratchFile setting("always [madvise] never\n");
    const ScratchFile smaps("00400000-00452000 r-xp 00000000 08:02 173521 /usr/bin/dbus-daemon\nAnonHugePages: 0 kB\n");
    EXPECT_EQ(error_of([&] {
                  AnonymousMemory(
                      4, {.pages = PageSize::huge, .thp_setting_file = setting.path, .smaps_file = smaps.path});
              }),
              "skipped: transparent huge pages are off: always [madvise] never");
}

TEST(AnonymousMemory, HugePagesBackTheMemoryWhereTheKernelAllowsThem) {
    const std::string setting = transparent_huge_pages_setting();
    if (transparent_huge_pages_off(setting)) GTEST_SKIP() << "transparent huge pages are off: " << setting;
    try {
        const AnonymousMemory memory(8, {.pages = PageSize::huge});
        EXPECT_EQ(reinterpret_cast<std::uintptr_t>(memory.bytes().data()) % huge_page_bytes, 0u);
        EXPECT_GE(anon_huge_page_bytes(memory.bytes().data(), memory.bytes().size()), 8 * mib * 9 / 10);
    } catch (const std::runtime_error& error) {
        // Memory too fragmented for 2 MiB pages right now: the machine's state, not the code's.
        if (std::string(error.what()).starts_with("skipped: transparent huge pages back only"))
            GTEST_SKIP() << error.what();
        throw;
    }
}

TEST(TransparentHugePages, SumsAnonHugePagesOfTheMappingsThatOverlapARange) {
    const ScratchFile smaps(
        "7f0000000000-7f0000400000 rw-p 00000000 00:00 0 \n"
        "Size:               4096 kB\n"
        "AnonHugePages:      2048 kB\n"
        "7f0000400000-7f0000800000 rw-p 00000000 00:00 0 \n"
        "AnonHugePages:      4096 kB\n"
        "7f0000800000-7f0000c00000 rw-p 00000000 00:00 0 [heap]\n"
        "AnonHugePages:      4096 kB\n");
    const auto* start = reinterpret_cast<const void*>(std::uintptr_t{0x7f0000200000});
    EXPECT_EQ(anon_huge_page_bytes(start, 4 * mib, smaps.path), 6 * mib);  // the first two mappings
    EXPECT_THROW(anon_huge_page_bytes(start, mib, "/nonexistent/smaps"), std::runtime_error);
}

TEST(TransparentHugePages, TheSettingsChosenWordDecides) {
    EXPECT_TRUE(transparent_huge_pages_off("always madvise [never]"));
    EXPECT_FALSE(transparent_huge_pages_off("always [madvise] never"));
    EXPECT_FALSE(transparent_huge_pages_off("[always] madvise never"));
    const std::string absent = transparent_huge_pages_setting("/nonexistent/enabled");
    EXPECT_EQ(absent, "absent: /nonexistent/enabled cannot be read");
    EXPECT_TRUE(transparent_huge_pages_off(absent));
}

TEST(ParentMemoryBench, TheNewBenchmarksFollowTheGrammarAndVerify) {
    const testing::CommandResult list = testing::run_bench("--benchmark_list_tests --benchmark_filter='pages:|^cow/'");
    ASSERT_EQ(list.exit_code, 0) << list.output;
    for (const char* name :
         {"create/fork/workers:1/parent_mib:512/pages:4k/touched:yes",
          "create/posix_spawn/workers:1/parent_mib:512/pages:4k/touched:no",
          "create/thread/workers:1/parent_mib:512/pages:thp/touched:yes", "cow/fork/mib:64/writer:child/manual_time",
          "cow/fork/mib:64/writer:parent/manual_time", "cow/thread/mib:64/min_time:0.050/manual_time"})
        EXPECT_NE(list.output.find(name), std::string::npos) << name << "\n" << list.output;
    const testing::CommandResult run =
        testing::run_bench("--benchmark_filter='^cow/' --benchmark_min_time=0.01 --benchmark_format=json", 120);
    ASSERT_EQ(run.exit_code, 0) << run.output;
    EXPECT_EQ(run.output.find("error_occurred"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("\"us_per_mib\""), std::string::npos) << run.output;
}

}  // namespace
}  // namespace tvp
