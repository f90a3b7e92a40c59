#pragma once
// The tests' own probes, tasks with an observable effect that no scenario runs:
// registered in the tests' process and in the test-only worker program
// tvp_test_worker (test_worker_main.cpp), which the tests start for them.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "task/task_registry.hpp"
#include "task/worker.hpp"

namespace tvp {

// Adds one to counter `index` (a std::uint64_t array) of a named shared segment.
class CounterWorker : public Worker {
public:
    static constexpr std::string_view name = "counter_worker";
    CounterWorker(std::string segment, std::size_t index) : segment_(std::move(segment)), index_(index) {}
    int run() override;
    Task spawn_task() const override;
    std::vector<std::string> to_args() const;
    static CounterWorker from_args(std::span<const std::string> args);

private:
    std::string segment_;
    std::size_t index_;
};

// increment_counter <segment> <index>: adds one to counter `index` (a std::uint64_t array) of a named segment.
struct IncrementCounterTask {
    static constexpr std::string_view name = "increment_counter";
    std::string segment;
    std::size_t index = 0;
    std::vector<std::string> to_args() const { return {segment, std::to_string(index)}; }
    static IncrementCounterTask from_args(std::span<const std::string> args);
    int run() const;
};

// sleep_ms <milliseconds>
struct SleepMsTask {
    static constexpr std::string_view name = "sleep_ms";
    unsigned milliseconds = 0;
    std::vector<std::string> to_args() const { return {std::to_string(milliseconds)}; }
    static SleepMsTask from_args(std::span<const std::string> args);
    int run() const;
};

// Every task above, by name.
std::span<const NamedTask> test_tasks();

}  // namespace tvp
