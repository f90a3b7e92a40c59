#include "memory/memory_probe.hpp"

#include <unistd.h>

#include <cstring>
#include <fstream>
#include <limits>
#include <string>

#include "memory/worker_gate.hpp"
#include "launch/launcher.hpp"
#include "task/typed_task.hpp"
#include "os/system_error.hpp"
#include "memory/memory_hold_task.hpp"
#include "memory/thread_stacks.hpp"

namespace tvp {

namespace {

void write_every_page(std::span<std::byte> buffer) {
    for (std::size_t i = 0; i < buffer.size(); i += 4096) buffer[i] = std::byte{1};
}

}  // namespace

ProcessMemory read_process_memory(pid_t pid) {
    const std::string path = pid == 0 ? "/proc/self/smaps_rollup" : "/proc/" + std::to_string(pid) + "/smaps_rollup";
    std::ifstream file(path);
    if (!file) throw std::runtime_error("cannot read " + path);
    ProcessMemory memory;
    for (std::string key; file >> key;) {
        std::uint64_t kib = 0;
        if (key == "Rss:" && file >> kib) memory.rss_bytes = kib * 1024;
        else if (key == "Pss:" && file >> kib) memory.pss_bytes = kib * 1024;
        file.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
    }
    return memory;
}

WorkerMemory measure_worker_memory(const Launcher& launcher, unsigned workers, std::span<std::byte> shared_buffer) {
    const Backend backend = launcher.backend();
    if (runs_worker_executable(backend) && !shared_buffer.empty())
        throw std::invalid_argument("a spawned worker has no parent buffer to write");
    WorkerGate gate;
    ThreadStacks stacks;
    std::vector<std::unique_ptr<RunningWorker>> running;
    const MemoryHoldTask hold{.ready_fd = gate.ready_fd(), .release_fd = gate.release_fd()};
    Task task = named_task(hold);
    if (!runs_worker_executable(backend)) {
        // In-process the worker also writes the parent's buffer, and a forked one first lets go of the gate.
        const bool forked = info(backend).address_space == AddressSpace::copied;
        task = {.name = {}, .args = {}, .function = [&gate, &stacks, forked, shared_buffer, hold] {
                    if (forked) gate.disown_in_forked_child();
                    else stacks.record_this_thread();
                    write_every_page(shared_buffer);
                    return hold.run();
                }};
    }
    for (unsigned i = 0; i < workers; ++i) running.push_back(launcher.start(task));
    if (!shares_address_space(backend)) gate.close_worker_ends();
    gate.wait_ready(workers);

    WorkerMemory result;
    if (shares_address_space(backend)) {
        if (stacks.recorded() != workers)
            throw std::runtime_error(std::to_string(stacks.recorded()) + " of " + std::to_string(workers) +
                                     " threads recorded their stacks");
        const ProcessMemory threads = stacks.resident();
        result.rss_bytes_per_worker = static_cast<double>(threads.rss_bytes) / workers;
        result.pss_bytes_per_worker = static_cast<double>(threads.pss_bytes) / workers;
    } else {
        for (const auto& worker : running) {
            const ProcessMemory child = read_process_memory(*worker->pid());
            result.rss_bytes_per_worker += static_cast<double>(child.rss_bytes) / workers;
            result.pss_bytes_per_worker += static_cast<double>(child.pss_bytes) / workers;
        }
    }
    gate.release();
    require_success(join_all(running));
    return result;
}

}  // namespace tvp
