#include "memory/thread_stacks.hpp"

#include <algorithm>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>

namespace tvp {

void ThreadStacks::record_this_thread() {
    const int on_this_stack = 0;
    const std::lock_guard lock(mutex_);
    addresses_.push_back(reinterpret_cast<std::uintptr_t>(&on_this_stack));
}

std::size_t ThreadStacks::recorded() const {
    const std::lock_guard lock(mutex_);
    return addresses_.size();
}

ProcessMemory ThreadStacks::resident() const {
    std::vector<std::uintptr_t> addresses;
    {
        const std::lock_guard lock(mutex_);
        addresses = addresses_;
    }
    std::ifstream smaps("/proc/self/smaps");
    if (!smaps) throw std::runtime_error("cannot read /proc/self/smaps");
    ProcessMemory memory;
    bool counting = false;  // whether the mapping whose fields follow holds a recorded stack
    for (std::string line; std::getline(smaps, line);) {
        std::istringstream fields(line);
        std::string first;
        fields >> first;
        const auto dash = first.find('-');
        if (dash != std::string::npos && first.back() != ':') {  // a mapping's header: "start-end perms ..."
            const std::uintptr_t start = std::stoull(first.substr(0, dash), nullptr, 16);
            const std::uintptr_t end = std::stoull(first.substr(dash + 1), nullptr, 16);
            counting = std::any_of(addresses.begin(), addresses.end(),
                                   [&](std::uintptr_t address) { return address >= start && address < end; });
            continue;
        }
        std::uint64_t kib = 0;
        if (!counting || !(fields >> kib)) continue;
        if (first == "Rss:") memory.rss_bytes += kib * 1024;
        if (first == "Pss:") memory.pss_bytes += kib * 1024;
    }
    return memory;
}

}  // namespace tvp
