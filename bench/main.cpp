// bench: the suite's one benchmark binary. It takes the suite's own flags,
// hands the rest to Google Benchmark, and, when its first argument is a task
// name, runs as a worker instead (the "exe:bench" variant of the spawned back-ends).
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <variant>

#include "build_info.hpp"
#include "process_signals.hpp"
#include "scenarios.hpp"
#include "suite_options.hpp"
#include "segment_janitor.hpp"
#include "task_registry.hpp"

int main(int argc, char** argv) {
    if (argc > 1 && tvp::find_task(argv[1]) != nullptr) return tvp::run_task_from_command_line(argc - 1, argv + 1);
    tvp::reset_inherited_signal_state();  // SIGCHLD default, SIGPIPE ignored, nothing blocked

    auto parsed = tvp::bench::parse_command_line(argc, argv);
    if (auto* error = std::get_if<tvp::bench::UsageError>(&parsed)) {
        fmt::print(stderr, "bench: {}\n", error->message);
        return 2;
    }
    auto& command_line = std::get<tvp::bench::ParsedCommandLine>(parsed);
    if (command_line.help) {
        tvp::bench::print_suite_help();
        benchmark::PrintDefaultHelp();
        return 0;
    }

    tvp::start_segment_janitor();
    int benchmark_argc = static_cast<int>(command_line.benchmark_args.size());
    benchmark::Initialize(&benchmark_argc, command_line.benchmark_args.data());
    if (benchmark::ReportUnrecognizedArguments(benchmark_argc, command_line.benchmark_args.data())) return 2;

    tvp::bench::add_build_and_machine_context();
    tvp::bench::register_create_benchmarks(command_line.options);
    tvp::bench::register_sumsq_benchmarks(command_line.options);
    tvp::bench::register_ipc_benchmarks(command_line.options);
    tvp::bench::register_manager_benchmarks(command_line.options);
    tvp::bench::register_claims_benchmarks(command_line.options);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
