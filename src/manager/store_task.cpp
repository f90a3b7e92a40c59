#include "manager/store_task.hpp"

namespace tvp::manager {

Task store_worker_task(Store& store, Backend backend, unsigned worker, std::uint64_t operations, Mix mix) {
    if (runs_worker_executable(backend)) return store.spawned_worker(worker, operations, mix);
    return Task{.name = {}, .args = {}, .function = [&store, worker, operations, mix] {
                    store.run_worker(worker, operations, mix);
                    return 0;
                }};
}

}  // namespace tvp::manager
