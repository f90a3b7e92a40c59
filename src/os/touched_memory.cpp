#include "os/touched_memory.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include "os/system_error.hpp"

namespace tvp {

TouchedMemory::TouchedMemory(std::size_t mebibytes) : bytes_(mebibytes << 20) {
    if (bytes_ == 0) return;
    address_ = ::mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (address_ == MAP_FAILED) {
        address_ = nullptr;
        throw_errno("mmap " + std::to_string(mebibytes) + " MiB of parent memory");
    }
    // No huge pages: the point is many page-table entries, as an ordinary heap has.
    ::madvise(address_, bytes_, MADV_NOHUGEPAGE);
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    auto* bytes = static_cast<volatile unsigned char*>(address_);
    for (std::size_t offset = 0; offset < bytes_; offset += page) bytes[offset] = 1;
}

TouchedMemory::~TouchedMemory() {
    if (address_ != nullptr) ::munmap(address_, bytes_);
}

}  // namespace tvp
