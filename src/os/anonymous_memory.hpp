#pragma once
// A private anonymous mapping of whole MiB: the parent's memory in the
// creation and copy-on-write benchmarks. Touched or not (mapped only: no page
// exists until written, so fork has no page table to copy), and in 4 KiB pages
// or transparent huge pages (2 MiB, aligned, MADV_HUGEPAGE). Huge pages are
// checked, once touched, in /proc/self/smaps: a kernel that does not back the
// mapping with them makes the constructor throw "skipped: ...".
#include <cstddef>
#include <filesystem>
#include <span>

#include "os/transparent_huge_pages.hpp"

namespace tvp {

enum class PageSize { small, huge };  // 4 KiB, or transparent huge pages

struct AnonymousMemoryOptions {
    PageSize pages = PageSize::small;
    bool touched = true;  // one byte written in every page, so that every page exists
    // Where the THP setting and this process's smaps are read (the tests give their own).
    std::filesystem::path thp_setting_file = transparent_huge_pages_setting_file;
    std::filesystem::path smaps_file = own_smaps_file;
};

inline constexpr std::size_t huge_page_bytes = 2 << 20;
inline constexpr std::size_t max_anonymous_mebibytes = std::size_t{1} << 30;  // 1 PiB: beyond any machine

class AnonymousMemory {
public:
    // Throws std::invalid_argument for huge pages on untouched memory (nothing
    // to check) or an odd number of MiB with huge pages, std::system_error if
    // the kernel refuses the mapping, std::runtime_error "skipped: ..." when
    // transparent huge pages are off or do not back at least 90% of it.
    explicit AnonymousMemory(std::size_t mebibytes, const AnonymousMemoryOptions& options = {});

    std::span<std::byte> bytes() const { return {static_cast<std::byte*>(mapping_.address), mapping_.size}; }

private:
    // The one owner of the mapping: unmapped when the constructor throws, too.
    struct Mapping {
        Mapping() = default;
        Mapping(const Mapping&) = delete;
        Mapping& operator=(const Mapping&) = delete;
        ~Mapping();
        void* address = nullptr;
        std::size_t size = 0;
    };

    void map(std::size_t bytes, std::size_t alignment);
    void touch();
    void check_huge_pages(const AnonymousMemoryOptions& options) const;

    Mapping mapping_;
};

}  // namespace tvp
