#include "os/shared_memory.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <utility>

#include "os/random_bytes.hpp"
#include "os/segment_janitor.hpp"
#include "os/system_error.hpp"
#include "os/unique_fd.hpp"

namespace tvp {

namespace {

void* map_shared(int fd, std::size_t bytes, const std::string& what) {
    int flags = MAP_SHARED | (fd < 0 ? MAP_ANONYMOUS : 0);
    void* address = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, flags, fd, 0);
    if (address == MAP_FAILED) throw_errno("mmap " + std::to_string(bytes) + " bytes of " + what);
    return address;
}

// 64 random bits: a name others cannot guess, and a forked child does not repeat.
std::uint64_t random_word() {
    std::uint64_t word = 0;
    fill_random({reinterpret_cast<unsigned char*>(&word), sizeof word});
    return word;
}

[[noreturn]] void throw_no_space(std::size_t bytes, const std::string& name) {
    throw std::runtime_error("no space in /dev/shm for " + std::to_string(bytes) + " bytes (" + name + ")");
}

// ftruncate only sets a tmpfs file's size: its pages are taken at the first
// write, and a write past the free space is SIGBUS, not an error. Taking them
// now turns a full /dev/shm (another user can fill it) into an error here.
void reserve_pages(int fd, std::size_t bytes, const std::string& name) {
    const int error = ::posix_fallocate(fd, 0, static_cast<off_t>(bytes));
    if (error == ENOSPC) throw_no_space(bytes, name);
    if (error != 0) throw_system_error(error, "posix_fallocate " + name);
}

}  // namespace

void require_dev_shm_space(std::size_t bytes, const std::string& name) {
    struct statvfs info {};
    if (::statvfs("/dev/shm", &info) != 0) return;  // no such mount: the creation itself will say why
    if (static_cast<unsigned long long>(info.f_bavail) * info.f_frsize < bytes) throw_no_space(bytes, name);
}

void reserve_named_segment(const std::string& name) {
    const UniqueFd fd(::shm_open(name.c_str(), O_RDWR, 0));
    if (!fd) throw_errno("shm_open " + name);
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) throw_errno("fstat " + name);
    reserve_pages(fd.get(), static_cast<std::size_t>(info.st_size), name);
}

std::string unique_object_name() {
    char random_part[17];
    std::snprintf(random_part, sizeof random_part, "%016llx", static_cast<unsigned long long>(random_word()));
    return "/tvp-" + std::to_string(::getpid()) + "-" + random_part;
}

std::string unique_segment_name() {
    std::string name = unique_object_name();
    announce_name(name);
    return name;
}

SharedMemory SharedMemory::create_anonymous(std::size_t bytes) {
    return SharedMemory(map_shared(-1, bytes, "anonymous shared memory"), bytes, "", false);
}

SharedMemory SharedMemory::create_named(std::size_t bytes) {
    std::string name = unique_segment_name();
    const UniqueFd fd(::shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600));
    if (!fd) {
        const int error = errno;
        withdraw_name(name);  // not ours: the janitor must leave it alone
        throw_system_error(error, "shm_open " + name);
    }
    try {
        if (::ftruncate(fd.get(), static_cast<off_t>(bytes)) != 0)
            throw_errno("ftruncate " + name + " to " + std::to_string(bytes) + " bytes");
        reserve_pages(fd.get(), bytes, name);
        return SharedMemory(map_shared(fd.get(), bytes, name), bytes, name, true);
    } catch (...) {
        ::shm_unlink(name.c_str());
        withdraw_name(name);
        throw;
    }
}

SharedMemory SharedMemory::open_named(const std::string& name) {
    const UniqueFd fd(::shm_open(name.c_str(), O_RDWR, 0));
    if (!fd) throw_errno("shm_open " + name);
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) throw_errno("fstat " + name);
    auto bytes = static_cast<std::size_t>(info.st_size);
    return SharedMemory(map_shared(fd.get(), bytes, name), bytes, name, false);
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
    if (unlink_on_release_) {
        ::shm_unlink(name_.c_str());
        withdraw_name(name_);
    }
    unlink_on_release_ = false;
}

void SharedMemory::release() noexcept {
    if (address_ != nullptr) ::munmap(address_, size_);
    unlink_name();
    address_ = nullptr;
}

}  // namespace tvp
