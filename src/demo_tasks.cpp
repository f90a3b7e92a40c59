#include "demo_tasks.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

#include "resource_usage.hpp"
#include "shared_memory.hpp"
#include "task_registry.hpp"

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

Task CounterWorker::spawn_task() const {
    return {.name = "counter_worker", .args = {segment_, std::to_string(index_)}, .function = {}};
}

CounterWorker CounterWorker::from_args(std::span<const std::string> args) {
    if (args.empty()) throw std::invalid_argument("counter_worker needs <segment> <index>");
    return CounterWorker(args[0], integer_argument<std::size_t>(args, 1, "index"));
}

int noop_task(std::span<const std::string>) { return 0; }

int exit_with_task(std::span<const std::string> args) { return integer_argument<int>(args, 0, "exit code"); }

int raise_signal_task(std::span<const std::string> args) {
    const int signal = integer_argument<int>(args, 0, "signal number");
    disable_core_dumps();
    std::signal(signal, SIG_DFL);
    std::raise(signal);
    return 0;  // reached only for a signal whose default action is to ignore it
}

int increment_counter_task(std::span<const std::string> args) {
    if (args.empty()) throw std::invalid_argument("increment_counter needs <segment> <index>");
    increment_counter(args[0], integer_argument<std::size_t>(args, 1, "index"));
    return 0;
}

int sleep_ms_task(std::span<const std::string> args) {
    std::this_thread::sleep_for(std::chrono::milliseconds(integer_argument<unsigned>(args, 0, "milliseconds")));
    return 0;
}

}  // namespace tvp
