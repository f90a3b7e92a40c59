#include "lockstep.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <exception>

namespace tvp::mpi {

namespace {

struct Command {
    std::int64_t index;       // into Lockstep's list; -1: stop
    std::int64_t iterations;  // Google Benchmark's for this run
};
constexpr std::int64_t stop_index = -1;
constexpr std::size_t message_capacity = 512;

// The watchdog's message, written before each run (a signal handler may only write(2)).
std::array<char, 256> watchdog_message{};
std::size_t watchdog_message_length = 0;

extern "C" void on_watchdog(int) {
    [[maybe_unused]] auto written = ::write(STDERR_FILENO, watchdog_message.data(), watchdog_message_length);
    ::signal(SIGALRM, SIG_DFL);
    ::raise(SIGALRM);  // mpirun sees the rank end on a signal and ends the job
}

// Arms the watchdog for one run; disarms it when the run is over.
class Watchdog {
public:
    Watchdog(unsigned seconds, int rank, const std::string& benchmark) {
        const std::string text = fmt::format(
            "bench_mpi: rank {}: {} made no end in {} s (a rank stopped answering, or --run_timeout_s is too "
            "short); ending the job\n",
            rank, benchmark, seconds);
        watchdog_message_length = std::min(text.size(), watchdog_message.size());
        std::memcpy(watchdog_message.data(), text.data(), watchdog_message_length);
        struct sigaction action {};
        action.sa_handler = on_watchdog;
        ::sigaction(SIGALRM, &action, nullptr);
        ::alarm(seconds);
    }
    ~Watchdog() { ::alarm(0); }
    Watchdog(const Watchdog&) = delete;
    Watchdog& operator=(const Watchdog&) = delete;
};

}  // namespace

RankRun::RankRun(benchmark::State* state, std::int64_t iterations, int kill_rank, int fail_rank)
    : state_(state), iterations_(iterations), kill_rank_(kill_rank), fail_rank_(fail_rank) {
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

void RankRun::fail(std::string message) {
    if (error_.empty()) error_ = message.empty() ? "failed" : std::move(message);
}

void RankRun::skip(const std::string& message) {
    if (state_ != nullptr) state_->SkipWithError(message.c_str());
}

bool RankRun::agree() {
    agreed_ = true;
    // MAXLOC on (failed, rank): the failing rank with the lowest number.
    struct {
        int failed;
        int rank;
    } mine{failed() ? 1 : 0, rank_}, first{};
    MPI_Allreduce(&mine, &first, 1, MPI_2INT, MPI_MAXLOC, MPI_COMM_WORLD);
    if (first.failed == 0) return true;
    std::array<char, message_capacity> message{};
    if (rank_ == first.rank) std::strncpy(message.data(), error_.c_str(), message.size() - 1);
    MPI_Bcast(message.data(), static_cast<int>(message.size()), MPI_CHAR, first.rank, MPI_COMM_WORLD);
    if (state_ != nullptr) state_->SkipWithError(fmt::format("rank {}: {}", first.rank, message.data()).c_str());
    return false;
}

// The hidden test flags: --tvp_test_fail_rank=R makes rank R record a failure
// half-way through a run (as a wrong message would); --tvp_test_kill_rank=R
// makes it abort there, as a crashing rank would.
void RankRun::maybe_die(std::int64_t iteration) {
    if (iteration != iterations_ / 2) return;
    if (rank_ == fail_rank_) fail("failed on purpose (--tvp_test_fail_rank)");
    if (rank_ != kill_rank_) return;
    fmt::print(stderr, "bench_mpi: rank {}: aborting mid-benchmark, as --tvp_test_kill_rank asked\n", rank_);
    std::fflush(stderr);
    std::abort();
}

void Lockstep::execute(std::size_t index, benchmark::State* state, std::int64_t iterations) {
    const MpiBenchmark& benchmark = benchmarks_.at(index);
    RankRun run(state, iterations, kill_rank_, fail_rank_);
    const Watchdog watchdog(run_timeout_s_, run.rank(), benchmark.name);
    try {
        benchmark.body(run);
    } catch (const std::exception& error) {
        if (run.agreed()) {  // reporting on rank 0 failed; the ranks are already past agree()
            if (state != nullptr) state->SkipWithError(error.what());
            return;
        }
        run.fail(error.what());
    }
    if (!run.agreed()) run.agree();
}

void Lockstep::register_on_leader() {
    for (std::size_t index = 0; index < benchmarks_.size(); ++index) {
        auto* registered =
            benchmark::RegisterBenchmark(benchmarks_[index].name.c_str(), [this, index](benchmark::State& state) {
                Command command{static_cast<std::int64_t>(index), state.max_iterations};
                MPI_Bcast(&command, 2, MPI_INT64_T, 0, MPI_COMM_WORLD);
                execute(index, &state, state.max_iterations);
            });
        if (benchmarks_[index].configure) benchmarks_[index].configure(registered);
    }
}

void Lockstep::stop_followers() {
    Command command{stop_index, 0};
    MPI_Bcast(&command, 2, MPI_INT64_T, 0, MPI_COMM_WORLD);
}

void Lockstep::follow() {
    for (;;) {
        Command command{};
        MPI_Bcast(&command, 2, MPI_INT64_T, 0, MPI_COMM_WORLD);
        if (command.index == stop_index) return;
        execute(static_cast<std::size_t>(command.index), nullptr, command.iterations);
    }
}

}  // namespace tvp::mpi
