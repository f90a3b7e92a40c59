#pragma once
// "Spazio di memoria": what each extra worker costs in memory. Threads add to
// this process's resident size (stacks touched, thread-local storage); each
// process has its own resident (Rss) and proportional (Pss) size, where Pss
// splits pages shared copy-on-write or from the same files among their users.
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <span>

#include "process/backend.hpp"
#include "launch/launcher.hpp"
#include "memory/memory_hold_task.hpp"

namespace tvp {

struct ProcessMemory {
    std::uint64_t rss_bytes = 0;
    std::uint64_t pss_bytes = 0;
};

// From /proc/<pid>/smaps_rollup (pid 0: this process).
ProcessMemory read_process_memory(pid_t pid);

struct WorkerMemory {
    double rss_bytes_per_worker = 0;  // threads: the Rss of each thread's own stack mapping (thread_stacks.hpp)
    double pss_bytes_per_worker = 0;
};

// Starts `workers` workers that each touch 64 KiB of stack and, if
// `shared_buffer` is not empty, write one byte in each of its pages (the
// parent's buffer, copied on write by fork); measures while all are alive;
// then releases and joins them.
WorkerMemory measure_worker_memory(const Launcher& launcher, unsigned workers, std::span<std::byte> shared_buffer = {});

}  // namespace tvp
