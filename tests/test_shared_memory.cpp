#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstring>
#include <filesystem>

#include "process/child_process.hpp"
#include "os/shared_memory.hpp"
#include "test_support.hpp"
#include "os/unique_fd.hpp"

namespace tvp {
namespace {

using SharedMemoryTest = testing::LeakCheckedTest;

std::filesystem::path segment_path(const SharedMemory& segment) { return "/dev/shm" + segment.name(); }

TEST_F(SharedMemoryTest, NamedSegmentIsPrivateZeroedAndRemovedOnDestruction) {
    std::filesystem::path path;
    {
        SharedMemory segment = SharedMemory::create_named(4096);
        path = segment_path(segment);
        struct stat info {};
        ASSERT_EQ(::stat(path.c_str(), &info), 0);
        EXPECT_EQ(info.st_mode & 0777, 0600u);
        EXPECT_EQ(segment.size(), 4096u);
        EXPECT_EQ(segment.as<unsigned char>()[4095], 0);
    }
    EXPECT_FALSE(std::filesystem::exists(path));
}

TEST_F(SharedMemoryTest, NamesAreUniqueAndCarryThePid) {
    SharedMemory first = SharedMemory::create_named(64);
    SharedMemory second = SharedMemory::create_named(64);
    EXPECT_NE(first.name(), second.name());
    EXPECT_TRUE(first.name().starts_with("/tvp-" + std::to_string(::getpid()) + "-"));
}

// The random part comes from the kernel for each name: a forked child does not
// repeat its parent's names (as a generator copied by fork would).
TEST_F(SharedMemoryTest, AForkedChildDoesNotRepeatItsParentsRandomNames) {
    auto random_part = [](const std::string& name) { return name.substr(name.rfind('-') + 1); };
    unique_segment_name();  // whatever state a generator keeps now exists, and fork copies it
    FdPair pipe = make_pipe();
    const pid_t pid = ::fork();
    if (pid == 0) {
        const std::string part = random_part(unique_segment_name());
        ::_exit(::write(pipe.second.get(), part.data(), part.size()) == static_cast<ssize_t>(part.size()) ? 0 : 1);
    }
    pipe.second.reset();
    const std::string ours = random_part(unique_segment_name());
    char buffer[64] = {};
    const ssize_t got = ::read(pipe.first.get(), buffer, sizeof buffer - 1);
    ChildProcess(pid).wait();
    ASSERT_GT(got, 0);
    EXPECT_EQ(ours.size(), 16u);
    EXPECT_NE(std::string(buffer), ours) << "parent and child drew the same random part";
}

TEST_F(SharedMemoryTest, AnotherMappingSeesTheSameBytesAndDoesNotUnlink) {
    SharedMemory owner = SharedMemory::create_named(128);
    {
        SharedMemory peer = SharedMemory::open_named(owner.name());
        EXPECT_EQ(peer.size(), 128u);
        std::strcpy(peer.as<char>(), "hello");
    }
    EXPECT_STREQ(owner.as<char>(), "hello");
    EXPECT_TRUE(std::filesystem::exists(segment_path(owner)));
}

TEST_F(SharedMemoryTest, MovingTransfersOwnership) {
    SharedMemory first = SharedMemory::create_named(64);
    const auto path = segment_path(first);
    SharedMemory second = std::move(first);
    EXPECT_TRUE(std::filesystem::exists(path));
    second = SharedMemory::create_named(64);  // releases the first segment
    EXPECT_FALSE(std::filesystem::exists(path));
}

TEST_F(SharedMemoryTest, OpeningAMissingSegmentNamesIt) {
    try {
        SharedMemory::open_named("/tvp-no-such-segment");
        FAIL() << "expected std::system_error";
    } catch (const std::system_error& error) {
        EXPECT_EQ(error.code().value(), ENOENT);
        EXPECT_NE(std::string(error.what()).find("/tvp-no-such-segment"), std::string::npos);
    }
}

TEST_F(SharedMemoryTest, ZeroBytesIsAClearError) { EXPECT_THROW(SharedMemory::create_named(0), std::system_error); }

TEST_F(SharedMemoryTest, AnonymousMemoryIsSharedWithAForkedChild) {
    SharedMemory shared = SharedMemory::create_anonymous(sizeof(int));
    const pid_t pid = ::fork();
    if (pid == 0) {
        *shared.as<int>() = 42;
        ::_exit(0);
    }
    ChildProcess(pid).wait();
    EXPECT_EQ(*shared.as<int>(), 42);
    EXPECT_TRUE(shared.name().empty());
}

}  // namespace
}  // namespace tvp
