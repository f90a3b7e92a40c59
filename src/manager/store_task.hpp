#pragma once
// A store's worker as a launcher's Task (the launch layer: store.hpp knows no
// launcher).
#include "process/backend.hpp"
#include "launch/launcher.hpp"
#include "manager/store.hpp"

namespace tvp::manager {

// Worker `worker` of a run on `backend`: the store's run_worker() in a thread
// or forked child (which share or inherit the store), or its spawned_worker()
// task in a spawned worker executable. The task refers to `store`, which must
// outlive it.
Task store_worker_task(Store& store, Backend backend, unsigned worker, std::uint64_t operations, Mix mix);

}  // namespace tvp::manager
