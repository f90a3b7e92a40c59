#include "os/transparent_huge_pages.hpp"

#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "os/system_error.hpp"

namespace tvp {

std::string transparent_huge_pages_setting(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::string setting;
    if (!in || !std::getline(in, setting)) return "absent: " + file.string() + " cannot be read";
    return setting;
}

bool transparent_huge_pages_off(const std::string& setting) {
    return setting.starts_with("absent") || setting.find("[never]") != std::string::npos;
}

std::uint64_t anon_huge_page_bytes(const void* start, std::size_t bytes, const std::filesystem::path& smaps) {
    std::ifstream in(smaps);
    if (!in) throw std::runtime_error("cannot read " + smaps.string());
    const auto first = reinterpret_cast<std::uintptr_t>(start);
    const std::uintptr_t last = first + bytes;
    bool overlaps = false;  // whether the mapping whose fields we are reading overlaps the range
    std::uint64_t total_kib = 0;
    std::string line;
    while (std::getline(in, line)) {
        std::uintptr_t begin = 0, end = 0;
        // A mapping's header, "7f01c0000000-7f01e0000000 rw-p ...", starts with two hex addresses;
        // its fields ("AnonHugePages:   2048 kB") follow it.
        if (std::sscanf(line.c_str(), "%" SCNxPTR "-%" SCNxPTR " ", &begin, &end) == 2 &&
            line.find(':') > line.find(' ')) {
            overlaps = begin < last && first < end;
            continue;
        }
        std::uint64_t kib = 0;
        if (overlaps && std::sscanf(line.c_str(), "AnonHugePages: %" SCNu64 " kB", &kib) == 1) total_kib += kib;
    }
    return total_kib << 10;
}

}  // namespace tvp
