#include "manager/stores.hpp"

#include <stdexcept>

namespace tvp::manager {

void MemoryStore::reset(unsigned workers, std::uint64_t operations, Mix mix) {
    dict_.clear();
    list_.clear();
    list_.reserve(total_appends(workers, operations, mix));
}

// One worker's view of the store (workload.hpp's WorkerAccess).
struct MemoryStore::Access {
    MemoryStore& store;
    const std::string key;
    void locked(auto body) {
        std::lock_guard lock(store.mutex_);
        body();
    }
    void write(std::uint64_t op, std::uint64_t entry) {
        store.dict_[key] = op;
        store.list_.push_back(entry);
    }
    std::optional<std::uint64_t> read() const {
        if (const auto found = store.dict_.find(key); found != store.dict_.end()) return found->second;
        return std::nullopt;
    }
};

void MemoryStore::run_worker(unsigned worker, std::uint64_t operations, Mix mix) {
    Access access{*this, worker_key(worker)};
    run_operations(access, worker, operations, mix);
}

Task MemoryStore::spawned_worker(unsigned, std::uint64_t, Mix) const {
    throw std::logic_error("the memory store lives in this process: a spawned worker cannot reach it");
}

std::uint64_t MemoryStore::verify(unsigned workers, std::uint64_t operations, Mix mix) {
    return manager::verify(list_, {dict_.begin(), dict_.end()}, workers, operations, mix);
}

}  // namespace tvp::manager
