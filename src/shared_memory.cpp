#include "shared_memory.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <random>
#include <utility>

#include "system_error.hpp"

namespace tvp {

namespace {

void* map_shared(int fd, std::size_t bytes, const std::string& what) {
    int flags = MAP_SHARED | (fd < 0 ? MAP_ANONYMOUS : 0);
    void* address = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, flags, fd, 0);
    if (address == MAP_FAILED) throw_errno("mmap " + std::to_string(bytes) + " bytes of " + what);
    return address;
}

// Closes a descriptor when the scope ends, whatever happens.
struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
};

}  // namespace

std::string unique_segment_name() {
    static thread_local std::mt19937_64 generator{std::random_device{}()};
    char random_part[17];
    std::snprintf(random_part, sizeof random_part, "%016llx",
                  static_cast<unsigned long long>(generator()));
    return "/tvp-" + std::to_string(::getpid()) + "-" + random_part;
}

SharedMemory SharedMemory::create_anonymous(std::size_t bytes) {
    return SharedMemory(map_shared(-1, bytes, "anonymous shared memory"), bytes, "", false);
}

SharedMemory SharedMemory::create_named(std::size_t bytes) {
    std::string name = unique_segment_name();
    int fd = ::shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600);
    if (fd < 0) throw_errno("shm_open " + name);
    FdCloser closer{fd};
    try {
        if (::ftruncate(fd, static_cast<off_t>(bytes)) != 0)
            throw_errno("ftruncate " + name + " to " + std::to_string(bytes) + " bytes");
        return SharedMemory(map_shared(fd, bytes, name), bytes, name, true);
    } catch (...) {
        ::shm_unlink(name.c_str());
        throw;
    }
}

SharedMemory SharedMemory::open_named(const std::string& name) {
    int fd = ::shm_open(name.c_str(), O_RDWR, 0);
    if (fd < 0) throw_errno("shm_open " + name);
    FdCloser closer{fd};
    struct stat info {};
    if (::fstat(fd, &info) != 0) throw_errno("fstat " + name);
    auto bytes = static_cast<std::size_t>(info.st_size);
    return SharedMemory(map_shared(fd, bytes, name), bytes, name, false);
}

SharedMemory::SharedMemory(SharedMemory&& other) noexcept
    : address_(std::exchange(other.address_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      name_(std::move(other.name_)),
      unlink_on_release_(std::exchange(other.unlink_on_release_, false)) {}

SharedMemory& SharedMemory::operator=(SharedMemory&& other) noexcept {
    if (this != &other) {
        release();
        address_ = std::exchange(other.address_, nullptr);
        size_ = std::exchange(other.size_, 0);
        name_ = std::move(other.name_);
        unlink_on_release_ = std::exchange(other.unlink_on_release_, false);
    }
    return *this;
}

void SharedMemory::unlink_name() noexcept {
    if (unlink_on_release_) ::shm_unlink(name_.c_str());
    unlink_on_release_ = false;
}

void SharedMemory::release() noexcept {
    if (address_ != nullptr) ::munmap(address_, size_);
    if (unlink_on_release_) ::shm_unlink(name_.c_str());
    address_ = nullptr;
    unlink_on_release_ = false;
}

}  // namespace tvp
