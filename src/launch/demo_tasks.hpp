#pragma once
// Small tasks and workers with observable effects: the create scenario's idle
// workers and the tests' probes (a counter in shared memory, an exit code, a signal).
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "task/worker.hpp"

namespace tvp {

// The chapter's MioProcesso without the sleep: a Worker subclass whose run()
// does nothing, for measuring creation through the class API.
class IdleWorker : public Worker {
public:
    static constexpr std::string_view name = "idle_worker";
    int run() override { return 0; }
    Task spawn_task() const override;
    std::vector<std::string> to_args() const { return {}; }
    static IdleWorker from_args(std::span<const std::string> args);
};

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

// noop: does nothing and succeeds.
struct NoopTask {
    static constexpr std::string_view name = "noop";
    std::vector<std::string> to_args() const { return {}; }
    static NoopTask from_args(std::span<const std::string>) { return {}; }
    int run() const { return 0; }
};

// exit_with <code>: ends with that exit code.
struct ExitWithTask {
    static constexpr std::string_view name = "exit_with";
    int code = 0;
    std::vector<std::string> to_args() const { return {std::to_string(code)}; }
    static ExitWithTask from_args(std::span<const std::string> args);
    int run() const { return code; }
};

// raise_signal <number>: dies of that signal by its default action, without a core dump.
struct RaiseSignalTask {
    static constexpr std::string_view name = "raise_signal";
    int signal = 0;
    std::vector<std::string> to_args() const { return {std::to_string(signal)}; }
    static RaiseSignalTask from_args(std::span<const std::string> args);
    int run() const;
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

}  // namespace tvp
