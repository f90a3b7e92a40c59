#pragma once
// Transparent huge pages, as this process sees them: the kernel's setting and
// how much of a mapping huge pages actually back. The paths are parameters so
// that the tests can give a setting or an smaps of their own.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace tvp {

inline const std::filesystem::path transparent_huge_pages_setting_file = "/sys/kernel/mm/transparent_hugepage/enabled";
inline const std::filesystem::path own_smaps_file = "/proc/self/smaps";

// The setting as the kernel words it ("always [madvise] never"), or a phrase
// saying why there is none ("absent: /sys/... does not exist").
std::string transparent_huge_pages_setting(const std::filesystem::path& file = transparent_huge_pages_setting_file);

// True when the setting's chosen word (the one in brackets) is "never", or the setting is absent.
bool transparent_huge_pages_off(const std::string& setting);

// Bytes of AnonHugePages in the mappings of `smaps` that overlap [start, start + bytes).
std::uint64_t anon_huge_page_bytes(const void* start, std::size_t bytes,
                                   const std::filesystem::path& smaps = own_smaps_file);

}  // namespace tvp
