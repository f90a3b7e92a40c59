#pragma once
// What a benchmark or test does with any of the Manager workload's three stores
// (stores.hpp, server_session.hpp), for a run of `workers` x `operations`:
// empty it, run one worker's work, verify what the workers left.
//
// Why a virtual interface: its calls happen once per run or per worker (reset,
// verify, starting a worker), never per operation; the per-operation loop is
// run_operations() (workload.hpp), a template each store instantiates with its
// own operations. A virtual base lets the benchmark hold any store through one
// pointer and take one path for all three (store_task.hpp turns run_worker and
// spawned_worker into a launcher's Task).
#include <cstdint>

#include "task/task.hpp"
#include "manager/workload.hpp"

namespace tvp::manager {

class Store {
public:
    virtual ~Store() = default;

    // Empties the store and makes ready all that the run will use.
    virtual void reset(unsigned workers, std::uint64_t operations, Mix mix) = 0;
    // Worker `worker`'s operations, here: in a thread or a forked child of the
    // process that made the store.
    virtual void run_worker(unsigned worker, std::uint64_t operations, Mix mix) = 0;
    // The same work in a spawned worker executable: a typed task's named form
    // (named_task, typed_task.hpp). Throws std::logic_error for a store that a
    // spawned process cannot reach.
    virtual Task spawned_worker(unsigned worker, std::uint64_t operations, Mix mix) const = 0;
    // manager::verify() on the store's final state: throws on a lost update,
    // returns the list entries checked.
    virtual std::uint64_t verify(unsigned workers, std::uint64_t operations, Mix mix) = 0;
    // Ends the store's use; throws if it ended badly (the server's exit status).
    virtual void finish() {}

protected:
    Store() = default;
    Store(const Store&) = default;
    Store& operator=(const Store&) = default;
};

}  // namespace tvp::manager
