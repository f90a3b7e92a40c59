#include "mpi_options.hpp"

#include <fmt/format.h>

#include <sstream>
#include <string_view>

#include "benchmark_flags.hpp"
#include "os/number_parsing.hpp"
#include "sumsq/sumsq.hpp"

namespace tvp::mpi {

using bench::flag_value;

namespace {

template <class Integer>
std::optional<Integer> whole_number(std::string_view text, Integer low, Integer high) {
    const auto value = parse_integer<long long>(text);
    if (!value || *value < static_cast<long long>(low) ||
        static_cast<unsigned long long>(*value) > static_cast<unsigned long long>(high))
        return std::nullopt;
    return static_cast<Integer>(*value);
}

// The hidden test-only flags, each naming a rank: which one `arg` is, its value and its field.
struct TestRankFlag {
    std::string_view name;
    std::string_view value;
    int* field;
};

std::optional<TestRankFlag> test_rank_flag(std::string_view arg, MpiOptions& options) {
    for (auto [name, field] : {std::pair<std::string_view, int*>{"tvp_test_kill_rank", &options.test_kill_rank},
                               {"tvp_test_fail_rank", &options.test_fail_rank},
                               {"tvp_test_lose_update_rank", &options.test_lose_update_rank}})
        if (auto value = flag_value(arg, name)) return TestRankFlag{name, *value, field};
    return std::nullopt;
}

}  // namespace

std::optional<std::string> transport_of(const std::string& btl_list) {
    std::vector<std::string> parts;
    std::stringstream stream(btl_list);
    for (std::string part; std::getline(stream, part, ',');)
        if (part != "self" && !part.empty()) parts.push_back(part);
    if (parts.size() == 1 && (parts[0] == "vader" || parts[0] == "tcp")) return parts[0];
    return std::nullopt;
}

std::variant<MpiCommandLine, MpiUsageError> parse_mpi_command_line(int argc, char** argv,
                                                                   std::optional<std::string> btl_env) {
    MpiCommandLine line;
    line.benchmark_args.push_back(argv[0]);
    std::optional<std::string> btl_flag;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            line.help = true;
        } else if (auto value = flag_value(arg, "btl")) {
            if (*value != "vader" && *value != "tcp")
                return MpiUsageError{fmt::format("--btl: '{}' is not a transport; give vader or tcp", *value)};
            btl_flag = std::string(*value);
        } else if (auto value = flag_value(arg, "round_trips")) {
            auto count = whole_number<std::uint64_t>(*value, 1, 1 << 20);
            if (!count)
                return MpiUsageError{
                    fmt::format("--round_trips: '{}' is not a whole number from 1 to 1048576", *value)};
            line.options.round_trips = *count;
        } else if (auto value = flag_value(arg, "sumsq_n")) {
            std::stringstream stream{std::string(*value)};
            for (std::string part; std::getline(stream, part, ',');) {
                auto n = whole_number<std::uint64_t>(part, 1, max_sum_of_squares_n());
                if (!n)
                    return MpiUsageError{fmt::format("--sumsq_n: '{}' is not a whole number from 1 to {}", part,
                                                     max_sum_of_squares_n())};
                line.options.sumsq_n.push_back(*n);
            }
            if (line.options.sumsq_n.empty()) return MpiUsageError{"--sumsq_n: give at least one n"};
        } else if (auto value = flag_value(arg, "run_timeout_s")) {
            auto seconds = whole_number<unsigned>(*value, 1, 86400);
            if (!seconds)
                return MpiUsageError{
                    fmt::format("--run_timeout_s: '{}' is not a whole number from 1 to 86400", *value)};
            line.options.run_timeout_s = *seconds;
        } else if (auto test_flag = test_rank_flag(arg, line.options)) {
            auto rank = whole_number<int>(test_flag->value, 0, 1 << 20);
            if (!rank) return MpiUsageError{fmt::format("--{}: '{}' is not a rank", test_flag->name, test_flag->value)};
            *test_flag->field = *rank;
        } else if (arg.starts_with("--benchmark_")) {
            if (auto problem = bench::benchmark_flag_problem(arg)) return MpiUsageError{*problem};
            line.benchmark_args.push_back(argv[i]);
        } else {
            return MpiUsageError{fmt::format("unknown flag '{}' (bench_mpi --help lists the flags)", arg)};
        }
    }
    if (line.help) return line;
    // The transport is mpirun's choice (--mca btl); --btl, if given, must say the same.
    const std::optional<std::string> from_env = btl_env ? transport_of(*btl_env) : std::nullopt;
    if (btl_env && !from_env)
        return MpiUsageError{fmt::format("mpirun's --mca btl is '{}'; give self,vader or self,tcp", *btl_env)};
    if (btl_flag && from_env && *btl_flag != *from_env)
        return MpiUsageError{fmt::format("--btl={} but mpirun was started with --mca btl {}", *btl_flag, *btl_env)};
    if (!btl_flag && !from_env)
        return MpiUsageError{"the transport is unknown: start it with mpirun --mca btl self,vader (or self,tcp)"};
    line.options.btl = btl_flag ? *btl_flag : *from_env;
    if (line.options.sumsq_n.empty()) line.options.sumsq_n = {1'000'000, 100'000'000};
    return line;
}

std::string how_to_start() {
    return "bench_mpi runs under mpirun, e.g.: mpirun -np 2 --mca pml ob1 --mca btl self,vader "
           "build/release/bench_mpi   (as root add --allow-run-as-root; self,tcp for TCP; see docs/mpi.md)";
}

void print_mpi_help() {
    fmt::print(
        "bench_mpi: the suite's MPI back-end (Open MPI). Start it under mpirun:\n"
        "  mpirun -np 2 --mca pml ob1 --mca btl self,vader build/release/bench_mpi [flags]\n"
        "Its flags (then Google Benchmark's --benchmark_* flags, which rank 0 takes):\n"
        "  --btl=vader|tcp       the transport; must match mpirun's --mca btl (read from OMPI_MCA_btl)\n"
        "  --round_trips=N       round trips per latency repetition (default 1000)\n"
        "  --sumsq_n=N,N,...     the sumsq sizes (default 1000000,100000000)\n"
        "  --run_timeout_s=S     a run of one benchmark longer than this ends the job (default 120)\n");
}

}  // namespace tvp::mpi
