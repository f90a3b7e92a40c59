#pragma once
// A pool of long-lived workers, the chapter's advice taken to its end (Python's
// multiprocessing.Pool): the workers start once, with any back-end (threads, a
// pre-forked or a pre-spawned process pool), and each is fed tasks through its
// own link (the suite's shared-memory ring, a pipe, ...). A task that kills its
// worker is reported, naming the worker, and the worker is replaced.
//
// Process workers die with the parent (parent_death.hpp): like every fork and
// spawn of the suite, make and use a pool on one thread, the main one.
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <vector>

#include "ipc/endpoint.hpp"
#include "process/backend.hpp"
#include "task/running_worker.hpp"
#include "pool/pool_protocol.hpp"

namespace tvp::pool {

struct PoolOptions {
    Backend backend = Backend::thread;
    ipc::Mechanism mechanism = ipc::Mechanism::shm_ring;
    ipc::WaitMode wait = ipc::WaitMode::spin;  // for the ring; pipes always block
    unsigned workers = 2;
    int worker_cpu = -1;                           // pin every worker to this CPU; -1: anywhere
    std::filesystem::path worker_executable = {};  // what a spawned worker runs; empty: the default worker
    // Tasks in flight per worker in map(): with 2, a worker finds its next task
    // waiting while the parent collects the previous result.
    unsigned depth = 2;
    // The largest payload a task carries (TaskKind::workload), for the links' limit.
    std::size_t max_payload_bytes = 0;
};

// A worker ended (or broke its link) while it had a task; it has been replaced.
class WorkerFailed : public std::runtime_error {
public:
    WorkerFailed(const std::string& what, unsigned worker) : std::runtime_error(what), worker_(worker) {}
    unsigned worker() const { return worker_; }  // 0-based

private:
    unsigned worker_;
};

struct Reply {
    uint128 value = 0;
    std::int64_t sent_ns = 0;  // when the worker sent it (CLOCK_MONOTONIC)
};

class Pool {
public:
    // Starts every worker and waits until each has opened its link. Throws
    // std::system_error / std::runtime_error if one cannot start.
    explicit Pool(const PoolOptions& options);
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;
    // Ends every worker's stream and reaps it; a process worker that does not
    // end within a second is killed.
    ~Pool();

    unsigned size() const { return static_cast<unsigned>(slots_.size()); }
    // A process worker's id (nullopt for a thread).
    std::optional<pid_t> worker_pid(unsigned worker) const;
    // How many workers have been replaced after failing.
    unsigned replaced() const { return replaced_; }

    // Runs one task on one worker and waits for its result. Throws WorkerFailed.
    // A workload task's payload is checked to have come back transformed
    // (transform_payload); a wrong one is the worker's failure.
    Reply run(unsigned worker, const PoolTask& task);
    // Runs every task (round robin, `depth` in flight per worker) and returns
    // their results in order, payloads checked as run() does. If workers fail,
    // the others' tasks are still collected, each failed worker replaced, and
    // WorkerFailed thrown for the first.
    std::vector<uint128> map(std::span<const PoolTask> tasks);

private:
    struct Slot;
    std::unique_ptr<Slot> start_worker(unsigned index);
    void send(unsigned worker, std::uint64_t sequence, const PoolTask& task);
    Reply receive(unsigned worker, std::uint64_t sequence, const PoolTask& task);
    // Reaps a worker that failed with `error`, starts its replacement, and
    // returns the report: which worker, how it ended, which task it had.
    std::string replace(unsigned worker, std::uint64_t task, const std::string& error);

    PoolOptions options_;
    std::vector<std::unique_ptr<Slot>> slots_;
    std::uint64_t next_sequence_ = 1;
    std::vector<std::byte> request_buffer_;  // the message being sent, reused
    unsigned replaced_ = 0;
};

}  // namespace tvp::pool
