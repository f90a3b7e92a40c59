#include "rank_server_store.hpp"

#include <mpi.h>

#include <deque>
#include <optional>

#include "manager/server_protocol.hpp"

namespace tvp::mpi {

namespace {

using namespace manager::wire;

constexpr int request_tag = 20;
constexpr int reply_tag = 21;
constexpr std::uint64_t status_ok = 0, status_not_found = 1, status_refused = 2;

int world_size() {
    int size = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    return size;
}

void send_reply(int to, Reply reply) { MPI_Send(&reply, sizeof reply, MPI_BYTE, to, reply_tag, MPI_COMM_WORLD); }

// One worker rank's proxy (workload.hpp's WorkerAccess): a round trip per call.
class ServerAccess {
public:
    ServerAccess(RankRun& run, unsigned worker, std::uint64_t lost_op)
        : run_(run), worker_(worker), lost_op_(lost_op) {}

    void locked(auto body) {
        call(op_lock, 0);
        body();
        call(op_unlock, 0);
    }
    void write(std::uint64_t op, std::uint64_t entry) {
        call(op_set, op);
        if (op != lost_op_) call(op_append, entry);  // the hidden test flag: this append is lost
    }
    std::optional<std::uint64_t> read() {
        const Reply reply = call(op_get, 0);
        return reply.status == status_ok ? std::optional(reply.value) : std::nullopt;
    }

private:
    Reply call(Op op, std::uint64_t value) {
        const Request request{.op = op, .worker = worker_, .value = value};
        MPI_Send(&request, sizeof request, MPI_BYTE, 0, request_tag, MPI_COMM_WORLD);
        Reply reply{};
        MPI_Recv(&reply, sizeof reply, MPI_BYTE, 0, reply_tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (reply.status == status_refused)
            run_.fail("rank 0 refused operation " + std::to_string(op) + " of worker " + std::to_string(worker_));
        return reply;
    }

    RankRun& run_;
    std::uint32_t worker_;
    std::uint64_t lost_op_;
};

}  // namespace

RankServerStore::RankServerStore(std::uint64_t operations, manager::Mix mix, int lose_update_rank)
    : RankStore(static_cast<unsigned>(world_size() - 1), operations, mix, /*first_worker_rank=*/1),
      lose_update_rank_(lose_update_rank) {
    for (unsigned worker = 0; worker < workers(); ++worker) keys_.push_back(manager::worker_key(worker));
}

void RankServerStore::reset() {
    dict_.clear();
    list_.clear();
    list_.reserve(manager::total_appends(workers(), operations(), mix()));
}

void RankServerStore::run_part(RankRun& run) {
    if (run.rank() == 0) return serve(run);
    const auto worker = static_cast<unsigned>(run.rank() - first_worker_rank());
    ServerAccess access(run, worker, lost_update_op(run.rank(), lose_update_rank_));
    manager::run_operations(access, worker, operations(), mix());
}

// Every request is answered (a refusal too), so that no worker waits for ever;
// what a worker did wrong is recorded on rank 0.
void RankServerStore::serve(RankRun& run) {
    const std::uint64_t unlocks_due = workers() * operations();
    std::uint64_t unlocks = 0;
    int holder = -1;  // the rank holding the lock
    std::deque<int> waiting;
    auto refuse = [&](int from, const std::string& why) {
        run.fail("rank " + std::to_string(from) + " " + why);
        send_reply(from, {status_refused, 0});
    };
    while (unlocks < unlocks_due) {
        Request request{};
        MPI_Status status;
        MPI_Recv(&request, sizeof request, MPI_BYTE, MPI_ANY_SOURCE, request_tag, MPI_COMM_WORLD, &status);
        const int from = status.MPI_SOURCE;
        const bool holds = holder == from;
        if (request.worker != static_cast<std::uint32_t>(from - first_worker_rank()) &&
            (request.op == op_set || request.op == op_get)) {
            refuse(from, "named worker " + std::to_string(request.worker));
            continue;
        }
        switch (request.op) {
            case op_lock:
                if (holder < 0) {
                    holder = from;
                    send_reply(from, {status_ok, 0});
                } else {
                    waiting.push_back(from);  // answered when granted
                }
                break;
            case op_unlock:
                ++unlocks;  // counted even when refused: every worker unlocks once per operation
                if (!holds) {
                    refuse(from, "unlocked a lock it did not hold");
                    break;
                }
                send_reply(from, {status_ok, 0});
                holder = -1;
                if (!waiting.empty()) {
                    holder = waiting.front();
                    waiting.pop_front();
                    send_reply(holder, {status_ok, 0});
                }
                break;
            case op_set:
                if (!holds) {
                    refuse(from, "set its key without the lock");
                    break;
                }
                dict_[keys_[request.worker]] = request.value;
                send_reply(from, {status_ok, 0});
                break;
            case op_append:
                if (!holds) {
                    refuse(from, "appended without the lock");
                    break;
                }
                list_.push_back(request.value);
                send_reply(from, {status_ok, 0});
                break;
            case op_get:
                if (!holds) {
                    refuse(from, "looked its key up without the lock");
                    break;
                }
                if (const auto found = dict_.find(keys_[request.worker]); found != dict_.end())
                    send_reply(from, {status_ok, found->second});
                else send_reply(from, {status_not_found, 0});
                break;
            default: refuse(from, "sent operation " + std::to_string(request.op) + ", which the server does not know");
        }
    }
}

RankStore::Contents RankServerStore::contents() { return {list_, {dict_.begin(), dict_.end()}}; }

}  // namespace tvp::mpi
