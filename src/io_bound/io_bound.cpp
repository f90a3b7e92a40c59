#include "io_bound/io_bound.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "launch/worker_visible_memory.hpp"
#include "launch/launcher.hpp"
#include "task/typed_task.hpp"
#include "os/shared_memory.hpp"
#include "os/resource_usage.hpp"
#include "io_bound/sleep_loop_task.hpp"

namespace tvp {

namespace {

// Threads of this user's processes now (what RLIMIT_NPROC counts), from /proc.
unsigned tasks_of_this_user() {
    unsigned count = 0;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
        const std::string name = entry.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream status(entry.path() / "status");
        uid_t uid = 0;
        unsigned threads = 0;
        bool uid_seen = false;
        for (std::string key; status >> key;) {
            if (key == "Uid:") uid_seen = static_cast<bool>(status >> uid);
            else if (key == "Threads:") status >> threads;
        }
        if (uid_seen && uid == ::getuid()) count += threads;
    }
    return count;
}

std::uint64_t available_memory_bytes() {
    std::ifstream meminfo("/proc/meminfo");
    for (std::string key; meminfo >> key;) {
        std::uint64_t kib = 0;
        if (key == "MemAvailable:" && meminfo >> kib) return kib * 1024;
    }
    return 0;
}

}  // namespace

std::optional<std::string> would_not_fit(Backend backend, unsigned workers) {
    rlimit limit{};
    ::getrlimit(RLIMIT_NPROC, &limit);
    if (limit.rlim_cur != RLIM_INFINITY && ::geteuid() != 0) {
        const unsigned used = tasks_of_this_user();
        if (used + workers + 16 > limit.rlim_cur)
            return "RLIMIT_NPROC is " + std::to_string(limit.rlim_cur) + " and this user runs " + std::to_string(used) +
                   " tasks: no room for " + std::to_string(workers) + " more";
    }
    // A process worker needs a few MiB of private memory, a thread its stack pages.
    const std::uint64_t per_worker = shares_address_space(backend) ? (256 << 10) : (4 << 20);
    const std::uint64_t available = available_memory_bytes();
    if (available < per_worker * workers * 2)
        return std::to_string(workers) + " workers need about " + std::to_string(per_worker * workers >> 20) +
               " MiB and " + std::to_string(available >> 20) + " MiB are available";
    return std::nullopt;
}

IoBoundRun run_io_bound(const Launcher& launcher, unsigned workers, unsigned waits_per_worker,
                        std::chrono::microseconds period) {
    const Backend backend = launcher.backend();
    // The workers count the waits they complete here: what is reported is what happened.
    const SharedMemory counter = memory_visible_to_workers(backend, sizeof(std::uint64_t));
    std::uint64_t* completed = counter.as<std::uint64_t>();
    const Task task = make_task(
        SleepLoopTask{
            .count = waits_per_worker, .period = period, .counter_segment = counter.name(), .completed = completed},
        backend);
    const std::vector<Task> tasks(workers, task);
    const double cpu_before = process_and_children_cpu_seconds();
    const auto start = std::chrono::steady_clock::now();
    run_all(launcher, tasks);
    IoBoundRun run;
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    run.cpu_seconds = process_and_children_cpu_seconds() - cpu_before;
    run.waits = std::atomic_ref<std::uint64_t>(*completed).load();
    return run;
}

}  // namespace tvp
