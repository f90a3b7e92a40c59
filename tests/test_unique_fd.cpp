#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "os/unique_fd.hpp"

namespace {

bool is_open(int fd) { return ::fcntl(fd, F_GETFD) >= 0; }

TEST(UniqueFd, ClosesOnceWhenDestroyed) {
    int raw = -1;
    {
        tvp::FdPair pipe = tvp::make_pipe();
        raw = pipe.first.get();
        EXPECT_TRUE(is_open(raw));
    }
    EXPECT_FALSE(is_open(raw));
}

TEST(UniqueFd, MoveTransfersOwnership) {
    tvp::FdPair pipe = tvp::make_pipe();
    const int raw = pipe.first.get();
    tvp::UniqueFd moved = std::move(pipe.first);
    EXPECT_FALSE(pipe.first);
    EXPECT_EQ(moved.get(), raw);
    moved = tvp::UniqueFd();
    EXPECT_FALSE(is_open(raw));
}

TEST(UniqueFd, EndsAreCloseOnExecUntilAllowed) {
    tvp::FdPair ends = tvp::make_socketpair();
    EXPECT_TRUE(::fcntl(ends.first.get(), F_GETFD) & FD_CLOEXEC);
    tvp::allow_inheritance(ends.second.get());
    EXPECT_FALSE(::fcntl(ends.second.get(), F_GETFD) & FD_CLOEXEC);
}

TEST(UniqueFd, ReleaseKeepsTheDescriptorOpen) {
    tvp::FdPair pipe = tvp::make_pipe();
    const int raw = pipe.second.release();
    EXPECT_TRUE(is_open(raw));
    ::close(raw);
}

}  // namespace
