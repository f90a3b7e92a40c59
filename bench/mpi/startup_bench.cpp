// bench_mpi_startup: what a user pays to get N MPI ranks. Each iteration runs
// `mpirun [--mpirun_arg ...] -np N --mca pml ob1 --mca btl self,BTL mpi_init_finalize`
// to its end (posix_spawn, then wait), and checks it exited 0 having printed
// "ranks N". Not an MPI program itself: mpirun cannot be started from inside
// an MPI job. Names: mpi_startup/mpi/ranks:N/btl:BTL/mpirun.
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <spawn.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench_support.hpp"
#include "benchmark_flags.hpp"
#include "build_info.hpp"
#include "process/child_process.hpp"
#include "os/system_error.hpp"
#include "os/unique_fd.hpp"
#include "os/standard_streams.hpp"
#include "results_output.hpp"

extern char** environ;

namespace {

struct StartupOptions {
    std::vector<int> ranks = {1, 2};
    std::string btl = "vader";
    std::vector<std::string> mpirun_args;  // before -np: --allow-run-as-root, --hostfile F, --mca K V, ...
};

std::filesystem::path program_next_to_me(const char* name) {
    return std::filesystem::read_symlink("/proc/self/exe").parent_path() / name;
}

// argv for posix_spawn: pointers into `command`, which must outlive it.
std::vector<char*> argv_of(const std::vector<std::string>& command) {
    std::vector<char*> argv;
    for (const auto& arg : command) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    return argv;
}

// Runs the command (argv, null-terminated) to its end; returns its exit status and what it wrote on stdout.
std::pair<tvp::ExitStatus, std::string> run_to_end(const std::vector<char*>& argv) {
    auto [read_end, write_end] = tvp::make_pipe();
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDOUT_FILENO);
    pid_t pid = -1;
    const int error = ::posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (error != 0) {
        errno = error;
        tvp::throw_errno(std::string("posix_spawnp ") + argv[0]);
    }
    tvp::ChildProcess child(pid);
    write_end.reset();
    std::string output;
    char buffer[4096];
    for (ssize_t got; (got = ::read(read_end.get(), buffer, sizeof buffer)) != 0;) {
        if (got < 0) {
            if (errno == EINTR) continue;
            tvp::throw_errno("read mpirun's output");
        }
        output.append(buffer, static_cast<std::size_t>(got));
    }
    return {child.wait(), output};
}

void mpirun_startup(benchmark::State& state, const StartupOptions& options, int ranks) {
    tvp::bench::run_or_skip(state, [&] {
        std::vector<std::string> command = {TVP_MPIEXEC};
        command.insert(command.end(), options.mpirun_args.begin(), options.mpirun_args.end());
        for (std::string arg : {std::string("-np"), std::to_string(ranks), std::string("--mca"), std::string("pml"),
                                std::string("ob1"), std::string("--mca"), std::string("btl"), "self," + options.btl})
            command.push_back(std::move(arg));
        command.push_back(program_next_to_me("mpi_init_finalize").string());
        const std::vector<char*> argv = argv_of(command);  // built once, outside the timed loop
        const std::string expected = fmt::format("ranks {}\n", ranks);
        std::uint64_t verified = 0;
        for (auto _ : state) {
            const auto [status, output] = run_to_end(argv);
            if (!status.success() || output != expected)
                throw std::runtime_error(fmt::format("mpirun {}, printing '{}' (expected '{}')", status.describe(),
                                                     output, expected.substr(0, expected.size() - 1)));
            ++verified;
        }
        tvp::bench::report_verified(state, verified);
    });
}

}  // namespace

int main(int argc, char** argv) {
    if (!tvp::open_closed_standard_streams()) return 2;
    using tvp::bench::flag_value;
    StartupOptions options;
    std::vector<char*> benchmark_args = {argv[0]};
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (auto value = flag_value(arg, "ranks")) {
            options.ranks.clear();
            for (std::string_view rest = *value; !rest.empty();) {
                const auto comma = rest.find(',');
                const std::string part(rest.substr(0, comma));
                const int count = std::atoi(part.c_str());
                if (count < 1 || std::to_string(count) != part) {
                    fmt::print(stderr, "bench_mpi_startup: --ranks: '{}' is not a rank count\n", part);
                    return 2;
                }
                options.ranks.push_back(count);
                rest = comma == rest.npos ? std::string_view() : rest.substr(comma + 1);
            }
        } else if (auto value = flag_value(arg, "btl")) {
            if (*value != "vader" && *value != "tcp") {
                fmt::print(stderr, "bench_mpi_startup: --btl: '{}' is not a transport; give vader or tcp\n", *value);
                return 2;
            }
            options.btl = *value;
        } else if (auto value = flag_value(arg, "mpirun_arg")) {
            options.mpirun_args.emplace_back(*value);
        } else if (arg.starts_with("--benchmark_")) {
            benchmark_args.push_back(argv[i]);
        } else {
            fmt::print(stderr,
                       "bench_mpi_startup: unknown flag '{}' (flags: --ranks=1,2 --btl=vader|tcp "
                       "--mpirun_arg=ARG ..., then --benchmark_*)\n",
                       arg);
            return 2;
        }
    }
    int benchmark_argc = static_cast<int>(benchmark_args.size());
    benchmark::Initialize(&benchmark_argc, benchmark_args.data());
    if (benchmark::ReportUnrecognizedArguments(benchmark_argc, benchmark_args.data())) return 2;
    for (int ranks : options.ranks)
        benchmark::RegisterBenchmark(tvp::bench::BenchmarkName("mpi_startup", "mpi")
                                         .param("ranks", ranks)
                                         .param("btl", options.btl)
                                         .word("mpirun")
                                         .str()
                                         .c_str(),
                                     mpirun_startup, options, ranks)
            ->UseRealTime()
            ->Unit(benchmark::kMillisecond)
            ->MinTime(0.5);
    tvp::bench::add_build_and_machine_context();
    benchmark::AddCustomContext("mpirun_args", fmt::format("{}", fmt::join(options.mpirun_args, " ")));
    const int exit_code = tvp::bench::run_benchmarks("bench_mpi_startup");
    benchmark::Shutdown();
    return exit_code;
}
