#include "pool/pool.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <thread>

#include "ipc/peer.hpp"
#include "ipc/peer_start.hpp"
#include "process/child_process.hpp"
#include "launch/launcher.hpp"
#include "task/typed_task.hpp"
#include "pool/pool_worker.hpp"

namespace tvp::pool {

namespace {

using namespace std::chrono_literals;

// The largest payload with which map() keeps `depth` tasks in flight per
// worker: a quarter of what the link buffers, so that two tasks and two
// results fit (a pipe or a socket buffers 64 KiB, the ring 1 MiB a direction,
// the in-process queues any number of messages).
std::size_t max_payload_for_depth(ipc::Mechanism mechanism) {
    const bool byte_stream = mechanism == ipc::Mechanism::pipe || mechanism == ipc::Mechanism::socketpair;
    return byte_stream ? 16 << 10 : 256 << 10;
}

// Whether a process worker ends by itself within `limit` (it is not reaped
// here). A worker told to end usually has within microseconds: the wait starts
// short and doubles to 1 ms, so that a pool's end (once per task, for the
// per-task strategies of src/workload) costs what the worker's exit costs.
bool ends_within(pid_t pid, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    std::chrono::microseconds pause{20};
    while (child_running(pid)) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(pause);
        pause = std::min<std::chrono::microseconds>(pause * 2, 1ms);
    }
    return true;
}

}  // namespace

// One worker and its link. Destroying it stops the worker first: a thread
// blocked on its link ends only once the parent's stream ends.
struct Pool::Slot {
    ipc::Link link;
    std::shared_ptr<pid_t> pid = std::make_shared<pid_t>(-1);  // what the link's death check watches
    std::unique_ptr<RunningWorker> running;

    Slot() = default;
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot() { stop(); }

    // Ends the worker's stream, waits for the worker (a process one second at
    // most, then it is killed) and reaps it; says how it ended.
    std::string stop() noexcept {
        if (!running) return "was already stopped";
        try {
            link.parent->close_sending();
        } catch (...) {
            // A worker that is gone cannot be told; it is reaped below either way.
        }
        auto worker = std::move(running);
        try {
            if (*pid > 0 && !ends_within(*pid, 1s)) return "did not end within 1 s and was killed";  // ~worker kills
            return worker->join().describe();
        } catch (const std::exception& error) {
            return std::string("threw: ") + error.what();
        }
    }
};

Pool::Pool(const PoolOptions& options) : options_(options) {
    if (options.workers == 0) throw std::invalid_argument("a pool needs at least one worker");
    if (options.depth == 0) throw std::invalid_argument("a pool needs a depth of at least one task per worker");
    // Filled one by one: each forked worker closes the links of those before it.
    slots_.resize(options.workers);
    for (unsigned i = 0; i < options.workers; ++i) slots_[i] = start_worker(i);
}

Pool::~Pool() {
    // Every stream first, so that the workers end together rather than one after another.
    for (const auto& slot : slots_) {
        if (!slot) continue;
        try {
            slot->link.parent->close_sending();
        } catch (...) {
            // stop() below reaps it whatever it says.
        }
    }
    slots_.clear();
}

std::optional<pid_t> Pool::worker_pid(unsigned worker) const {
    if (worker >= size() || !slots_[worker] || *slots_[worker]->pid <= 0) return std::nullopt;
    return *slots_[worker]->pid;
}

std::unique_ptr<Pool::Slot> Pool::start_worker(unsigned index) {
    const bool is_process = !shares_address_space(options_.backend);
    auto peer_task = [&](ipc::Link& link) {
        if (runs_worker_executable(options_.backend))
            return named_task(
                PoolWorkerTask{.cpu = options_.worker_cpu, .parent = ::getpid(), .endpoint = link.peer_arguments});
        ipc::Endpoint* peer = link.peer.get();
        ipc::Endpoint* own_parent_end = link.parent.get();
        const WorkerOptions worker{.cpu = options_.worker_cpu, .is_process = is_process};
        Task task;
        task.function = [this, peer, own_parent_end, worker] {
            if (worker.is_process) {
                // A forked child: the parent's ends of every link are not its to
                // hold (a copy of another worker's pipe end would hide that
                // worker's end of stream, and its death).
                own_parent_end->disown_in_forked_child();
                for (const auto& other : slots_)
                    if (other) other->link.parent->disown_in_forked_child();
            }
            return run_pool_worker(*peer, worker);
        };
        return task;
    };
    ipc::StartedPeer started =
        ipc::start_peer(Launcher(options_.backend, options_.worker_executable),
                        {.mechanism = options_.mechanism,
                         .wait = options_.wait,
                         .max_message_bytes = max_pool_message_bytes + options_.max_payload_bytes,
                         .pipe_kind = info(options_.backend).pipe},
                        peer_task, "pool worker " + std::to_string(index + 1));
    auto slot = std::make_unique<Slot>();
    slot->link = std::move(started.link);
    slot->pid = std::move(started.pid);
    slot->running = std::move(started.running);
    return slot;
}

void Pool::send(unsigned worker, std::uint64_t sequence, const PoolTask& task) {
    if (!slots_[worker]) throw std::runtime_error("this worker could not be replaced after an earlier failure");
    slots_[worker]->link.parent->send(encode_request(request_buffer_, sequence, task));
}

Reply Pool::receive(unsigned worker, std::uint64_t sequence, const PoolTask& task) {
    if (!slots_[worker]) throw std::runtime_error("this worker could not be replaced after an earlier failure");
    const auto message = slots_[worker]->link.parent->receive();
    if (message.empty()) throw std::runtime_error("it ended its stream");
    const DecodedReply reply = decode_reply(message);
    if (reply.sequence != sequence)
        throw std::runtime_error("it answered task " + std::to_string(reply.sequence) + ", not task " +
                                 std::to_string(sequence));
    if (!is_transformed_payload(task.payload, sequence, reply.payload))
        throw std::runtime_error("the payload of task " + std::to_string(sequence) + " came back wrong (" +
                                 std::to_string(reply.payload.size()) + " bytes for " +
                                 std::to_string(task.payload.size()) + ")");
    return {reply.value, reply.sent_ns};
}

std::string Pool::replace(unsigned worker, std::uint64_t task, const std::string& error) {
    std::string report = "pool worker " + std::to_string(worker + 1) + " of " + std::to_string(size()) + " (" +
                         std::string(to_string(options_.backend));
    if (auto pid = worker_pid(worker)) report += ", pid " + std::to_string(*pid);
    report += ") ";
    report += slots_[worker] ? slots_[worker]->stop() : "was gone";
    report += " while running task " + std::to_string(task) + " (" + error + ")";
    slots_[worker].reset();
    slots_[worker] = start_worker(worker);
    ++replaced_;
    report += "; replaced";
    if (auto pid = worker_pid(worker)) report += " by pid " + std::to_string(*pid);
    return report;
}

Reply Pool::run(unsigned worker, const PoolTask& task) {
    if (worker >= size())
        throw std::out_of_range("pool worker " + std::to_string(worker + 1) + " of " + std::to_string(size()));
    const std::uint64_t sequence = next_sequence_++;
    try {
        send(worker, sequence, task);
        return receive(worker, sequence, task);
    } catch (const std::exception& error) {
        throw WorkerFailed(replace(worker, sequence, error.what()), worker);
    }
}

std::vector<uint128> Pool::map(std::span<const PoolTask> tasks) {
    std::vector<uint128> results(tasks.size());
    const std::uint64_t first = next_sequence_;
    next_sequence_ += tasks.size();
    struct InFlight {
        unsigned worker;
        std::size_t index;
    };
    // Each worker answers its tasks in order, so collecting them in the order
    // they were sent never waits for one worker while another's result is the
    // next to come from it; with `depth` tasks each, no worker waits for work.
    std::deque<InFlight> in_flight;
    struct Failure {
        std::size_t index;
        std::string error;
    };
    std::vector<std::optional<Failure>> failures(size());
    bool failed = false;
    std::size_t next = 0;
    auto dispatch = [&](unsigned worker) {
        if (failed || next >= tasks.size()) return;
        try {
            send(worker, first + next, tasks[next]);
            in_flight.push_back({worker, next++});
        } catch (const std::exception& error) {
            failures[worker] = Failure{next, error.what()};
            failed = true;
        }
    };
    // Big payloads go one task at a time per worker: with two, the parent could
    // block sending a worker its second task while that worker blocks sending
    // its first result (two 1 MiB results did not fit the ring: a deadlock).
    const unsigned depth = options_.max_payload_bytes > max_payload_for_depth(options_.mechanism) ? 1 : options_.depth;
    for (unsigned round = 0; round < depth; ++round)
        for (unsigned worker = 0; worker < size(); ++worker) dispatch(worker);
    while (!in_flight.empty()) {
        const InFlight item = in_flight.front();
        in_flight.pop_front();
        if (failures[item.worker]) continue;  // its other tasks died with it
        try {
            results[item.index] = receive(item.worker, first + item.index, tasks[item.index]).value;
        } catch (const std::exception& error) {
            failures[item.worker] = Failure{item.index, error.what()};
            failed = true;
            continue;
        }
        dispatch(item.worker);
    }
    std::optional<WorkerFailed> first_failure;
    for (unsigned worker = 0; worker < size(); ++worker) {
        if (!failures[worker]) continue;
        std::string report = replace(worker, first + failures[worker]->index, failures[worker]->error);
        if (!first_failure) first_failure.emplace(report, worker);
    }
    if (first_failure) throw *first_failure;
    return results;
}

}  // namespace tvp::pool
