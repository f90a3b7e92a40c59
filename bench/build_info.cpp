#include "build_info.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <gnu/libc-version.h>
#include <sys/utsname.h>

#include <boost/version.hpp>
#include <fstream>
#include <string>
#include <thread>

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

}  // namespace

void add_build_and_machine_context() {
    utsname system{};
    ::uname(&system);
#ifdef NDEBUG
    benchmark::AddCustomContext("tvp_build_type", TVP_BUILD_TYPE);
#else
    benchmark::AddCustomContext("tvp_build_type", TVP_BUILD_TYPE " (assertions on: timings do not count)");
#endif
    benchmark::AddCustomContext("compiler", "g++ " __VERSION__);
    benchmark::AddCustomContext("boost", BOOST_LIB_VERSION);
    benchmark::AddCustomContext("fmt", std::to_string(FMT_VERSION));
    benchmark::AddCustomContext("glibc", gnu_get_libc_version());
    benchmark::AddCustomContext("kernel", std::string(system.sysname) + " " + system.release);
    benchmark::AddCustomContext("cpu_model", field_of("/proc/cpuinfo", "model name"));
    benchmark::AddCustomContext("online_cpus", std::to_string(std::thread::hardware_concurrency()));
    benchmark::AddCustomContext("cpu_governor", first_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"));
}

}  // namespace tvp::bench
