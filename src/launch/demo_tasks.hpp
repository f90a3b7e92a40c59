#pragma once
// Small tasks and workers the scenarios start: the create scenario's idle
// workers, a no-op, an exit code, a signal. (The tests' own probes are in
// tests/test_tasks.hpp, run by the test-only worker program tvp_test_worker.)
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

}  // namespace tvp
