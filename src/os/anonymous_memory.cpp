#include "os/anonymous_memory.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "os/system_error.hpp"

namespace tvp {

namespace {

std::string mib_text(std::uint64_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

}  // namespace

AnonymousMemory::AnonymousMemory(std::size_t mebibytes, const AnonymousMemoryOptions& options) {
    const bool huge = options.pages == PageSize::huge;
    if (mebibytes > max_anonymous_mebibytes)
        throw std::invalid_argument(std::to_string(mebibytes) + " MiB is more memory than any machine has");
    if (huge && !options.touched)
        throw std::invalid_argument("transparent huge pages need touched memory (untouched memory has no pages)");
    if (huge && mebibytes % (huge_page_bytes >> 20) != 0)
        throw std::invalid_argument("transparent huge pages need whole 2 MiB pages, not " + std::to_string(mebibytes) +
                                    " MiB");
    if (huge) {
        // Checked first, so that a machine without them does not touch the memory for nothing.
        const std::string setting = transparent_huge_pages_setting(options.thp_setting_file);
        if (transparent_huge_pages_off(setting))
            throw std::runtime_error("skipped: transparent huge pages are off: " + setting);
    }
    if (mebibytes == 0) return;
    map(mebibytes << 20, huge ? huge_page_bytes : 1);
    // No huge pages for 4 KiB: the point is many page-table entries, as an ordinary heap has.
    if (::madvise(mapping_.address, mapping_.size, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE) != 0 && huge)
        throw_errno("madvise MADV_HUGEPAGE");
    if (!options.touched) return;
    touch();
    if (huge) check_huge_pages(options);
}

void AnonymousMemory::touch() {
    // MADV_POPULATE_WRITE (Linux 5.14) faults every page in as a write would,
    // without a fault per page taken from user space: a third faster to set up.
    if (::madvise(mapping_.address, mapping_.size, MADV_POPULATE_WRITE) == 0) return;
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    auto* bytes = static_cast<volatile unsigned char*>(mapping_.address);
    for (std::size_t offset = 0; offset < mapping_.size; offset += page) bytes[offset] = 1;
}

void AnonymousMemory::map(std::size_t bytes, std::size_t alignment) {
    // Map `alignment` more than needed, then give back what lies before the
    // first aligned address and after the end: huge pages need 2 MiB alignment.
    const std::size_t mapped = bytes + (alignment > 1 ? alignment : 0);
    void* start = ::mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (start == MAP_FAILED) throw_errno("mmap " + mib_text(bytes) + " of anonymous memory");
    const auto begin = reinterpret_cast<std::uintptr_t>(start);
    const std::uintptr_t aligned = (begin + alignment - 1) / alignment * alignment;
    if (aligned > begin) ::munmap(start, aligned - begin);
    const std::uintptr_t tail = begin + mapped - (aligned + bytes);
    if (tail > 0) ::munmap(reinterpret_cast<void*>(aligned + bytes), tail);
    mapping_.address = reinterpret_cast<void*>(aligned);
    mapping_.size = bytes;
}

void AnonymousMemory::check_huge_pages(const AnonymousMemoryOptions& options) const {
    const std::uint64_t huge = anon_huge_page_bytes(mapping_.address, mapping_.size, options.smaps_file);
    const std::string setting = transparent_huge_pages_setting(options.thp_setting_file);
    if (huge == 0) throw std::runtime_error("skipped: transparent huge pages are off: " + setting);
    if (huge * 10 < std::uint64_t{mapping_.size} * 9)
        throw std::runtime_error("skipped: transparent huge pages back only " + mib_text(huge) + " of " +
                                 mib_text(mapping_.size) + " (transparent_hugepage/enabled: " + setting + ")");
}

AnonymousMemory::Mapping::~Mapping() {
    if (address != nullptr) ::munmap(address, size);
}

}  // namespace tvp
