#include "pool/per_task_sumsq.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "task/typed_task.hpp"
#include "pool/pool_protocol.hpp"

namespace tvp::pool {

namespace {
unsigned at_least_one(unsigned workers) {
    if (workers == 0) throw std::invalid_argument("PerTaskSumOfSquares: workers must be at least 1");
    return workers;
}
}  // namespace

PerTaskSumOfSquares::PerTaskSumOfSquares(const Launcher& launcher, unsigned workers, std::uint64_t n,
                                         std::uint64_t chunk)
    : PerTaskSumOfSquares(launcher, at_least_one(workers), sumsq_tasks(n, chunk)) {}

PerTaskSumOfSquares::PerTaskSumOfSquares(const Launcher& launcher, unsigned workers,
                                         const std::vector<PoolTask>& chunks)
    : launcher_(launcher), workers_(workers), slots_(launcher.backend(), std::max<std::size_t>(chunks.size(), 1)) {
    for (std::size_t i = 0; i < chunks.size(); ++i) tasks_.push_back(slots_.task(i, chunks[i].range));
}

uint128 PerTaskSumOfSquares::run() {
    slots_.clear();
    const std::span<const Task> all(tasks_);
    for (std::size_t start = 0; start < all.size(); start += workers_)
        run_all(launcher_, all.subspan(start, std::min<std::size_t>(workers_, all.size() - start)));
    return total_of_written(slots_.slots().first(tasks_.size()), "the worker of task", "its sum");
}

}  // namespace tvp::pool
