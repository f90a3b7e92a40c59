#pragma once
// One owner for a file descriptor: move-only, closed exactly once (fmt's
// os.h `file` and std::unique_ptr are the model). Every descriptor the suite
// holds lives in one of these from the call that made it.
#include <utility>

namespace tvp {

class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) noexcept : fd_(fd) {}
    UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept {
        if (this != &other) reset(other.release());
        return *this;
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    ~UniqueFd() { reset(); }

    int get() const noexcept { return fd_; }
    explicit operator bool() const noexcept { return fd_ >= 0; }
    // Gives up ownership without closing (for a descriptor handed to exec).
    int release() noexcept { return std::exchange(fd_, -1); }
    // Closes what it holds (errors other than EINTR cannot be acted on here).
    void reset(int fd = -1) noexcept;

private:
    int fd_ = -1;
};

struct FdPair {
    UniqueFd first;
    UniqueFd second;
};

// pipe2(O_CLOEXEC): {read end, write end}. Throws std::system_error.
FdPair make_pipe();
// socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC).
FdPair make_socketpair();
// Clears FD_CLOEXEC, so that a spawned child inherits the descriptor.
void allow_inheritance(int fd);
// Sets O_NONBLOCK (checked).
void set_nonblocking(int fd);

}  // namespace tvp
