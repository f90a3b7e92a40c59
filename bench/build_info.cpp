#include "build_info.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <gnu/libc-version.h>
#include <sys/utsname.h>

#include <boost/version.hpp>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include "revision.hpp"  // generated at build time (cmake/revision.cmake)

namespace tvp::bench {

namespace {

// The first line of a file that starts with `key`, after the ':'; "" if none.
std::string field_of(const char* path, const std::string& key) {
    std::ifstream file(path);
    for (std::string line; std::getline(file, line);) {
        if (!line.starts_with(key)) continue;
        const auto colon = line.find(':');
        return colon == std::string::npos ? line : line.substr(line.find_first_not_of(" \t", colon + 1));
    }
    return "";
}

std::string first_line(const char* path) {
    std::ifstream file(path);
    std::string line;
    std::getline(file, line);
    return line.empty() ? "unreadable" : line;
}

// "always [madvise] never" -> "madvise": the selected mode of a sysfs choice.
std::string selected_choice(const char* path) {
    const std::string line = first_line(path);
    const auto open = line.find('['), close = line.find(']');
    return open == std::string::npos || close == std::string::npos ? line : line.substr(open + 1, close - open - 1);
}

// Turbo/boost: acpi-cpufreq's "boost" (1 on), or intel_pstate's "no_turbo" (0 on).
std::string cpu_boost() {
    const std::string boost = first_line("/sys/devices/system/cpu/cpufreq/boost");
    if (boost != "unreadable") return boost == "1" ? "on" : "off";
    const std::string no_turbo = first_line("/sys/devices/system/cpu/intel_pstate/no_turbo");
    if (no_turbo != "unreadable") return no_turbo == "0" ? "on" : "off";
    return "unreadable";
}

// SMT: active or not, and the siblings of CPU 0 (e.g. "0-1": two hardware threads of one core).
std::string smt() {
    return fmt::format("active={} cpu0_siblings={}", first_line("/sys/devices/system/cpu/smt/active"),
                       first_line("/sys/devices/system/cpu/cpu0/topology/thread_siblings_list"));
}

std::string load_average() {
    double load[3] = {};
    if (::getloadavg(load, 3) != 3) return "unreadable";
    return fmt::format("{:.2f} {:.2f} {:.2f}", load[0], load[1], load[2]);
}

}  // namespace

void add_build_and_machine_context() {
    utsname system{};
    ::uname(&system);
    // Which code produced these numbers, and how it was compiled.
    benchmark::AddCustomContext("tvp_revision", TVP_REVISION);
    benchmark::AddCustomContext("tvp_revision_dirty", TVP_REVISION_DIRTY);
#ifdef NDEBUG
    benchmark::AddCustomContext("tvp_build_type", TVP_BUILD_TYPE);
#else
    benchmark::AddCustomContext("tvp_build_type", TVP_BUILD_TYPE " (assertions on: timings do not count)");
#endif
    benchmark::AddCustomContext("tvp_compile_flags", TVP_COMPILE_FLAGS);
    benchmark::AddCustomContext("compiler", "g++ " __VERSION__);
    benchmark::AddCustomContext("boost", BOOST_LIB_VERSION);
    benchmark::AddCustomContext("fmt", std::to_string(FMT_VERSION));
    benchmark::AddCustomContext("glibc", gnu_get_libc_version());
    benchmark::AddCustomContext("kernel", std::string(system.sysname) + " " + system.release);
    benchmark::AddCustomContext("cpu_model", field_of("/proc/cpuinfo", "model name"));
    benchmark::AddCustomContext("online_cpus", std::to_string(std::thread::hardware_concurrency()));
    // What decides whether the run was quiet.
    benchmark::AddCustomContext("load_average_start", load_average());
    benchmark::AddCustomContext("cpu_governor", first_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"));
    benchmark::AddCustomContext("cpu_boost", cpu_boost());
    benchmark::AddCustomContext("smt", smt());
    benchmark::AddCustomContext("thp", selected_choice("/sys/kernel/mm/transparent_hugepage/enabled"));
}

}  // namespace tvp::bench
