// bench: the suite's one benchmark binary. It takes the suite's own flags,
// hands the rest to Google Benchmark, and, when its first argument is a task
// name, runs as a worker instead (the "exe:bench" variant of the spawned back-ends).
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <variant>

#include "benchmark_flags.hpp"
#include "build_info.hpp"
#include "launch/launcher.hpp"
#include "os/process_signals.hpp"
#include "results_output.hpp"
#include "scenarios.hpp"
#include "os/segment_janitor.hpp"
#include "os/standard_streams.hpp"
#include "suite_options.hpp"
#include "task/task_registry.hpp"
#include "launch/worker_check.hpp"

namespace {

int usage_error(const std::string& message) {
    fmt::print(stderr, "bench: {}\n", message);
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (!tvp::open_closed_standard_streams()) return 2;
    if (argc > 1 && tvp::find_task(argv[1]) != nullptr) return tvp::run_task_from_command_line(argc - 1, argv + 1);
    tvp::reset_inherited_signal_state();  // SIGCHLD default, SIGPIPE ignored, nothing blocked

    auto parsed = tvp::bench::parse_command_line(argc, argv);
    if (auto* error = std::get_if<tvp::bench::UsageError>(&parsed)) return usage_error(error->message);
    auto& command_line = std::get<tvp::bench::ParsedCommandLine>(parsed);
    if (command_line.help) {
        tvp::bench::print_suite_help();
        benchmark::PrintDefaultHelp();
        return 0;
    }
    if (command_line.list_backends) {
        tvp::bench::print_backends();
        return 0;
    }
    if (command_line.list_scenarios) {
        tvp::bench::print_scenarios();
        return 0;
    }
    // Every spawned back-end, in every scenario, starts this program: check it once, here.
    if (!command_line.options.worker_executable.empty())
        tvp::set_default_worker_executable(command_line.options.worker_executable);
    if (auto problem = tvp::worker_executable_problem(tvp::default_worker_executable()))
        return usage_error(fmt::format("the worker program {} (give --worker_exe=PATH to tvp_worker)", *problem));

    int benchmark_argc = static_cast<int>(command_line.benchmark_args.size());
    benchmark::Initialize(&benchmark_argc, command_line.benchmark_args.data());
    if (benchmark::ReportUnrecognizedArguments(benchmark_argc, command_line.benchmark_args.data())) return 2;

    for (const tvp::bench::Scenario& scenario : tvp::bench::scenario_table)
        if (scenario.register_benchmarks != nullptr) scenario.register_benchmarks(command_line.options);

    // A filter that selects nothing (or does not compile) is a usage error, not an empty success.
    if (auto problem = tvp::bench::empty_selection_problem()) return usage_error(*problem);

    tvp::start_segment_janitor();
    tvp::bench::add_build_and_machine_context();
    const int exit_code = tvp::bench::run_benchmarks("bench");
    benchmark::Shutdown();
    return exit_code;
}
