#pragma once
// The Manager workload's dict and list held by rank 0, which answers each
// operation the other ranks send, one message and one reply per proxy call,
// as Python's Manager server (and the suite's socket server, server_store.hpp)
// does: lock, then set and append (a write) or get (a read), then unlock. The
// messages are the socket server's (manager/server_protocol.hpp: Request,
// Reply), carried by MPI_Send / MPI_Recv. Rank 0 only serves; ranks 1..N-1
// are the workers (worker w is rank w + 1). A lock asked for while another
// rank holds it is granted, in order, when that rank unlocks.
#include <string>
#include <unordered_map>
#include <vector>

#include "rank_store.hpp"

namespace tvp::mpi {

class RankServerStore final : public RankStore {
public:
    // Needs 2 ranks or more. lose_update_rank: the hidden test flag (-1: none).
    RankServerStore(std::uint64_t operations, manager::Mix mix, int lose_update_rank);

    void reset() override;
    // Rank 0: serves until every worker has unlocked once per operation; the
    // others: their worker's operations, each a round trip per call.
    void run_part(RankRun& run) override;

private:
    Contents contents() override;
    void serve(RankRun& run);

    int lose_update_rank_;
    std::vector<std::string> keys_;  // worker_key(w), made once
    // Rank 0's state, as the Python server's dict and list.
    std::unordered_map<std::string, std::uint64_t> dict_;
    std::vector<std::uint64_t> list_;
};

}  // namespace tvp::mpi
