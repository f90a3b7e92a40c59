#pragma once
// Where the Manager workload's dict and list live:
// - MemoryStore: std::unordered_map + std::vector under a std::mutex (threads);
// - ShmStore: a Boost.Interprocess managed segment holding a map with string
//   keys and a vector, under a robust process-shared mutex (processes); all
//   its allocation happens in reset(), so a worker killed anywhere in its work
//   leaves no lock of Boost's held (shm_store.cpp);
// - the server store (server_store.hpp): a manager process owning them.
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "manager/store.hpp"

namespace tvp::manager {

// Shared by threads only: a spawned worker cannot reach it (spawned_worker()
// throws), and a forked child would work on its own copy.
class MemoryStore final : public Store {
public:
    // Empties the store and reserves room for this run's appends.
    void reset(unsigned workers, std::uint64_t operations, Mix mix) override;
    void run_worker(unsigned worker, std::uint64_t operations, Mix mix) override;
    Task spawned_worker(unsigned worker, std::uint64_t operations, Mix mix) const override;
    std::uint64_t verify(unsigned workers, std::uint64_t operations, Mix mix) override;

private:
    struct Access;
    std::mutex mutex_;
    std::unordered_map<std::string, std::uint64_t> dict_;
    std::vector<std::uint64_t> list_;
};

struct SharedState;

class ShmStore final : public Store {
public:
    // A new segment of `bytes` ("/tvp-<pid>-<random>", mode 0600), removed when
    // this owner is destroyed.
    static ShmStore create(std::size_t bytes);
    // A worker's view of a segment made by create().
    static ShmStore open(const std::string& name);
    // Enough for a run: the list's reserved entries, keys, and bookkeeping.
    static std::size_t bytes_needed(unsigned workers, std::uint64_t operations, Mix mix);

    ShmStore(ShmStore&&) noexcept;
    ShmStore& operator=(ShmStore&&) = delete;
    ~ShmStore();

    const std::string& name() const { return name_; }
    // Empties the store and allocates all that the run will use: room for its
    // appends and an entry for each worker's key. The workers allocate nothing.
    // A segment too small for that is a std::runtime_error saying so.
    void reset(unsigned workers, std::uint64_t operations, Mix mix) override;
    // In a forked child, on the mapping it inherited.
    void run_worker(unsigned worker, std::uint64_t operations, Mix mix) override;
    // ShmWorkerTask, which opens the segment by name.
    Task spawned_worker(unsigned worker, std::uint64_t operations, Mix mix) const override;
    std::uint64_t verify(unsigned workers, std::uint64_t operations, Mix mix) override;
    // The segment's free bytes (tests: a run's workers leave them unchanged).
    std::size_t free_bytes() const;
    // Times a locker found the previous owner dead (robust mutex recoveries).
    std::uint64_t recoveries() const;
    // Takes the lock and never releases it: what a worker that crashes inside
    // its critical section does (tests).
    void lock_and_abandon();

private:
    struct Segment;
    ShmStore(std::unique_ptr<Segment> segment, std::string name, bool owner);
    std::unique_ptr<Segment> segment_;
    SharedState* state_ = nullptr;
    std::string name_;
    bool owner_ = false;
};

// manager_shm_worker <segment> <worker> <operations> <mix>: a spawned worker's
// run_worker() on the segment it opens by name (ShmStore::spawned_worker).
struct ShmWorkerTask {
    static constexpr std::string_view name = "manager_shm_worker";
    std::string segment;
    unsigned worker = 0;
    std::uint64_t operations = 0;
    Mix mix = Mix::write;

    std::vector<std::string> to_args() const;
    static ShmWorkerTask from_args(std::span<const std::string> args);
    int run() const;
};

// manager_abandon_lock <segment>: opens the segment, takes the store's lock and
// exits with code 3 holding it, as a worker that crashes inside its critical
// section would (tests).
struct AbandonLockTask {
    static constexpr std::string_view name = "manager_abandon_lock";
    std::string segment;

    std::vector<std::string> to_args() const { return {segment}; }
    static AbandonLockTask from_args(std::span<const std::string> args);
    int run() const;
};

}  // namespace tvp::manager
