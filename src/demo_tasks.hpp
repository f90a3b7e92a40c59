#pragma once
// Small tasks and workers with observable effects: the create scenario's idle
// workers and the tests' probes (a counter in shared memory, an exit code, a signal).
#include <cstdint>
#include <span>
#include <string>

#include "worker.hpp"

namespace tvp {

// The chapter's MioProcesso without the sleep: a Worker subclass whose run()
// does nothing, for measuring creation through the class API.
class IdleWorker : public Worker {
public:
    int run() override { return 0; }
    Task spawn_task() const override { return {.name = "idle_worker", .args = {}, .function = {}}; }
    static IdleWorker from_args(std::span<const std::string>) { return {}; }
};

// Adds one to counter `index` (a std::uint64_t array) of a named shared segment.
class CounterWorker : public Worker {
public:
    CounterWorker(std::string segment, std::size_t index) : segment_(std::move(segment)), index_(index) {}
    int run() override;
    Task spawn_task() const override;
    static CounterWorker from_args(std::span<const std::string> args);

private:
    std::string segment_;
    std::size_t index_;
};

int noop_task(std::span<const std::string> args);
int exit_with_task(std::span<const std::string> args);         // exit_with <code>
int raise_signal_task(std::span<const std::string> args);      // raise_signal <number>
int increment_counter_task(std::span<const std::string> args); // increment_counter <segment> <index>
int sleep_ms_task(std::span<const std::string> args);           // sleep_ms <milliseconds>

}  // namespace tvp
