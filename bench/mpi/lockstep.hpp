#pragma once
// How bench_mpi's ranks stay in step. Google Benchmark runs in rank 0 only; the
// other ranks follow. Before every run of every benchmark (Google Benchmark
// calls a benchmark several times: to size it, then once per repetition) rank 0
// broadcasts a command, the benchmark's index and its iteration count, so every
// rank runs the same benchmark for the same number of iterations; after the last
// one it broadcasts "stop".
//
// No deadlock when a benchmark fails on one rank:
//   - a wrong message is recorded (RankRun::fail), never thrown: the rank goes on
//     sending and receiving exactly what the benchmark's protocol says, so its
//     partners are never left waiting for a message that will not come;
//   - every run ends with agree(): an allreduce of "did anything fail here" (and
//     the lowest failing rank's message, broadcast from it), so rank 0 reports
//     the run as an error naming that rank, and every rank goes on to the next
//     command together;
//   - anything else (an exception in the middle of a protocol, an MPI call that
//     never returns) is ended by a watchdog: a rank whose run takes longer than
//     --run_timeout_s says so and ends itself with SIGALRM, and mpirun then
//     ends the job, naming the rank. A rank that dies is reported by mpirun too
//     ("process rank 1 ... exited on signal 6"): Open MPI 4 cannot go on without it.
#include <benchmark/benchmark.h>
#include <mpi.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace tvp::mpi {

// One run of one benchmark, as one rank sees it.
class RankRun {
public:
    // state: rank 0's Google Benchmark state; nullptr on the other ranks.
    RankRun(benchmark::State* state, std::int64_t iterations, int kill_rank, int fail_rank);

    int rank() const { return rank_; }
    int size() const { return size_; }
    bool leads() const { return state_ != nullptr; }
    benchmark::State& state() { return *state_; }  // rank 0 only
    std::int64_t iterations() const { return iterations_; }

    // Calls body once per timed iteration: on rank 0 as Google Benchmark's
    // timed loop, on the others as many times as rank 0 will.
    template <class Body>
    void timed_loop(Body&& body) {
        std::int64_t done = 0;
        if (state_ != nullptr) {
            for (auto _ : *state_) {
                maybe_die(done++);
                body();
            }
        } else {
            for (; done < iterations_;) {
                maybe_die(done++);
                body();
            }
        }
    }

    // What went wrong on this rank (the first message is kept). The benchmark
    // goes on exchanging its messages and is reported as an error at agree().
    void fail(std::string message);
    bool failed() const { return !error_.empty(); }

    // A benchmark this run cannot do at all (e.g. it needs 2 ranks and has 1).
    // Every rank must come to the same decision from what they all know.
    void skip(const std::string& message);

    // Collective over all ranks, once per run: true when no rank failed. On
    // rank 0 a failure elsewhere becomes SkipWithError("rank R: ..."). A body
    // reports its counters after it; the harness calls it if the body did not.
    bool agree();
    bool agreed() const { return agreed_; }

private:
    void maybe_die(std::int64_t iteration);

    benchmark::State* state_;
    std::int64_t iterations_;
    int rank_ = 0;
    int size_ = 1;
    int kill_rank_;
    int fail_rank_;
    std::string error_;
    bool agreed_ = false;
};

// A benchmark every rank runs its part of.
struct MpiBenchmark {
    std::string name;
    std::function<void(RankRun&)> body;
    // Rank 0: how Google Benchmark runs it (Iterations, MinTime, UseManualTime...).
    std::function<void(benchmark::internal::Benchmark*)> configure;
};

class Lockstep {
public:
    // kill_rank, fail_rank: the hidden test flags (-1: none); run_timeout_s: the watchdog.
    Lockstep(int kill_rank, int fail_rank, unsigned run_timeout_s)
        : kill_rank_(kill_rank), fail_rank_(fail_rank), run_timeout_s_(run_timeout_s) {}
    // Every rank adds the same benchmarks in the same order (the registration
    // code runs on all of them, from the same flags and world size).
    void add(MpiBenchmark benchmark) { benchmarks_.push_back(std::move(benchmark)); }
    const std::vector<MpiBenchmark>& benchmarks() const { return benchmarks_; }

    // Rank 0: registers every benchmark with Google Benchmark; each run of one
    // first broadcasts its command.
    void register_on_leader();
    // Rank 0, after Google Benchmark is done: the other ranks stop.
    void stop_followers();
    // The other ranks: run the commands rank 0 sends until it says stop.
    void follow();

private:
    void execute(std::size_t index, benchmark::State* state, std::int64_t iterations);

    std::vector<MpiBenchmark> benchmarks_;
    int kill_rank_;
    int fail_rank_;
    unsigned run_timeout_s_;
};

}  // namespace tvp::mpi
