#include "test_tasks.hpp"

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "os/arguments.hpp"
#include "os/shared_memory.hpp"
#include "task/typed_task.hpp"

namespace tvp {

namespace {
void increment_counter(const std::string& segment_name, std::size_t index) {
    SharedMemory segment = SharedMemory::open_named(segment_name);
    if (index >= segment.size() / sizeof(std::uint64_t))  // as a count: an offset could overflow
        throw std::out_of_range("counter " + std::to_string(index) + " is outside segment " + segment_name);
    std::atomic_ref<std::uint64_t>(segment.as<std::uint64_t>()[index]).fetch_add(1);
}
}  // namespace

int CounterWorker::run() {
    increment_counter(segment_, index_);
    return 0;
}

Task CounterWorker::spawn_task() const { return named_task(*this); }

std::vector<std::string> CounterWorker::to_args() const { return {segment_, std::to_string(index_)}; }

CounterWorker CounterWorker::from_args(std::span<const std::string> args) {
    if (args.empty()) throw std::invalid_argument("counter_worker needs <segment> <index>");
    return CounterWorker(args[0], integer_argument<std::size_t>(args, 1, "index"));
}

IncrementCounterTask IncrementCounterTask::from_args(std::span<const std::string> args) {
    if (args.empty()) throw std::invalid_argument("increment_counter needs <segment> <index>");
    return {.segment = args[0], .index = integer_argument<std::size_t>(args, 1, "index")};
}

int IncrementCounterTask::run() const {
    increment_counter(segment, index);
    return 0;
}

SleepMsTask SleepMsTask::from_args(std::span<const std::string> args) {
    return {.milliseconds = integer_argument<unsigned>(args, 0, "milliseconds")};
}

int SleepMsTask::run() const {
    std::this_thread::sleep_for(std::chrono::milliseconds(milliseconds));
    return 0;
}

std::span<const NamedTask> test_tasks() {
    static constexpr NamedTask tasks[] = {
        registered<CounterWorker>(),
        registered<IncrementCounterTask>(),
        registered<SleepMsTask>(),
    };
    return tasks;
}

}  // namespace tvp
