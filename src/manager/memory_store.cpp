#include "manager/stores.hpp"

namespace tvp::manager {

void MemoryStore::reset(unsigned workers, std::uint64_t operations, Mix mix) {
    dict_.clear();
    list_.clear();
    list_.reserve(total_appends(workers, operations, mix));
}

void MemoryStore::run_worker(unsigned worker, std::uint64_t operations, Mix mix) {
    const std::string key = worker_key(worker);
    std::uint64_t seen = 0;
    for (std::uint64_t op = 0; op < operations; ++op) {
        std::lock_guard lock(mutex_);
        if (writes(mix, op)) {
            dict_[key] = op;
            list_.push_back(list_entry(worker, op));
        } else if (auto found = dict_.find(key); found != dict_.end()) {
            seen += found->second;
        }
    }
    asm volatile("" : : "r"(seen));  // the lookups' results are used
}

std::uint64_t MemoryStore::verify(unsigned workers, std::uint64_t operations, Mix mix) const {
    return manager::verify(list_, {dict_.begin(), dict_.end()}, workers, operations, mix);
}

}  // namespace tvp::manager
