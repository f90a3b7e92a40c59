// bench_mpi: the suite's MPI back-end, on Open MPI. Started by mpirun; Google
// Benchmark runs in rank 0 and the other ranks follow it (lockstep.hpp).
// Without mpirun it says how to start it and exits 2; bad flags: one line from
// rank 0 and exit 2 on every rank.
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <mpi.h>

#include <cstdlib>
#include <set>
#include <string>

#include "benchmark_flags.hpp"
#include "build_info.hpp"
#include "lockstep.hpp"
#include "mpi_options.hpp"
#include "mpi_scenarios.hpp"
#include "os/standard_streams.hpp"
#include "results_output.hpp"

namespace {

std::optional<std::string> environment(const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr ? std::optional<std::string>(value) : std::nullopt;
}

// Collective: the host names of all ranks, on rank 0.
std::string rank_hosts(int rank, int size) {
    char name[MPI_MAX_PROCESSOR_NAME] = {};
    int length = 0;
    MPI_Get_processor_name(name, &length);
    std::vector<char> all(rank == 0 ? static_cast<std::size_t>(size) * MPI_MAX_PROCESSOR_NAME : 0);
    MPI_Gather(name, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, all.data(), MPI_MAX_PROCESSOR_NAME, MPI_CHAR, 0, MPI_COMM_WORLD);
    std::string hosts;
    for (int i = 0; rank == 0 && i < size; ++i) {
        if (i > 0) hosts.push_back(',');
        hosts.append(all.data() + static_cast<std::size_t>(i) * MPI_MAX_PROCESSOR_NAME);
    }
    return hosts;
}

// The MPI side of the results' context: library, ranks, hosts, transport and
// every Open MPI setting mpirun passed on (OMPI_MCA_btl*, pml, ...).
void add_mpi_context(const tvp::mpi::MpiOptions& options, int size, const std::string& hosts) {
    char version[MPI_MAX_LIBRARY_VERSION_STRING] = {};
    int length = 0;
    MPI_Get_library_version(version, &length);
    std::string library(version, static_cast<std::size_t>(length));
    while (!library.empty() && (library.back() == '\n' || library.back() == '\0')) library.pop_back();
    benchmark::AddCustomContext("mpi_library", library);
    benchmark::AddCustomContext("mpi_ranks", std::to_string(size));
    benchmark::AddCustomContext("mpi_hosts", hosts);
    benchmark::AddCustomContext("mpi_btl", options.btl);
    std::string settings;
    for (const char* name : {"OMPI_MCA_pml", "OMPI_MCA_btl", "OMPI_MCA_btl_vader_single_copy_mechanism",
                             "OMPI_MCA_btl_tcp_if_include", "OMPI_MCA_mpi_yield_when_idle", "OMPI_MCA_osc"})
        if (auto value = environment(name))
            settings += fmt::format("{}{}={}", settings.empty() ? "" : " ", name, *value);
    benchmark::AddCustomContext("mpi_mca", settings);
}

}  // namespace

int main(int argc, char** argv) {
    if (!tvp::open_closed_standard_streams()) return 2;
    // mpirun sets OMPI_COMM_WORLD_SIZE in every rank's environment; started
    // directly, MPI would make a 1-rank "singleton" job, which is not a run.
    const bool under_mpirun = environment("OMPI_COMM_WORLD_SIZE").has_value();
    auto parsed = tvp::mpi::parse_mpi_command_line(argc, argv, environment("OMPI_MCA_btl"));
    if (!under_mpirun) {
        if (auto* line = std::get_if<tvp::mpi::MpiCommandLine>(&parsed); line && line->help) {
            tvp::mpi::print_mpi_help();
            return 0;
        }
        fmt::print(stderr, "{}\n", tvp::mpi::how_to_start());
        return 2;
    }

    MPI_Init(&argc, &argv);
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    auto finish = [](int code) {
        tvp::mpi::free_sumsq_resources();
        MPI_Finalize();
        return code;
    };

    // Every rank parsed the same flags; rank 0 alone prints, and decides for all.
    int exit_code = 0;
    tvp::mpi::MpiOptions options;
    std::optional<tvp::mpi::Lockstep> lockstep;
    if (auto* error = std::get_if<tvp::mpi::MpiUsageError>(&parsed)) {
        if (rank == 0) fmt::print(stderr, "bench_mpi: {}\n", error->message);
        exit_code = 2;
    } else {
        auto& line = std::get<tvp::mpi::MpiCommandLine>(parsed);
        options = line.options;
        if (line.help) {
            if (rank == 0) tvp::mpi::print_mpi_help();
            return finish(0);
        }
        lockstep.emplace(options.test_kill_rank, options.test_fail_rank, options.run_timeout_s);
        // Collective (the sumsq scenario makes communicators): every rank, same order.
        tvp::mpi::add_pingpong_benchmarks(*lockstep, options, size);
        tvp::mpi::add_bandwidth_benchmarks(*lockstep, options, size);
        tvp::mpi::add_sumsq_benchmarks(*lockstep, options, size);
        tvp::mpi::add_message_rate_benchmarks(*lockstep, options, size);
        tvp::mpi::add_manager_benchmarks(*lockstep, options, size);
        if (rank == 0) {
            int benchmark_argc = static_cast<int>(line.benchmark_args.size());
            benchmark::Initialize(&benchmark_argc, line.benchmark_args.data());
            if (benchmark::ReportUnrecognizedArguments(benchmark_argc, line.benchmark_args.data())) exit_code = 2;
            if (exit_code == 0) {
                lockstep->register_on_leader();
                if (auto problem = tvp::bench::empty_selection_problem()) {
                    fmt::print(stderr, "bench_mpi: {}\n", *problem);
                    exit_code = 2;
                }
            }
        }
    }
    MPI_Bcast(&exit_code, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (exit_code != 0) return finish(exit_code);

    const std::string hosts = rank_hosts(rank, size);
    if (rank == 0) {
        tvp::bench::add_build_and_machine_context();
        add_mpi_context(options, size, hosts);
        const int exit_code = tvp::bench::run_benchmarks("bench_mpi");
        benchmark::Shutdown();
        lockstep->stop_followers();
        return finish(exit_code);
    }
    lockstep->follow();
    return finish(0);
}
