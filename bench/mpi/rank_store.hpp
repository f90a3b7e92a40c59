#pragma once
// The Manager workload (src/manager/workload.hpp) on MPI ranks: the shared dict
// and list under a lock, with the same operations, mixes and verify() as the
// suite's `manager` scenario, held by rank 0 in one of two ways:
//   - window_store.hpp: an MPI one-sided window on rank 0, every operation
//     under an exclusive lock of it (MPI_Win_lock / MPI_Get / MPI_Put / MPI_Win_unlock);
//   - rank_server_store.hpp: rank 0 answers each operation the other ranks send
//     (MPI_Send / MPI_Recv), as Python's Manager server does.
// One object per rank; a run is reset() on rank 0, then every rank's
// run_part() between two barriers, then verify() on rank 0.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "lockstep.hpp"
#include "manager/workload.hpp"

namespace tvp::mpi {

class RankStore {
public:
    virtual ~RankStore() = default;
    RankStore(const RankStore&) = delete;
    RankStore& operator=(const RankStore&) = delete;

    unsigned workers() const { return workers_; }
    std::uint64_t operations() const { return operations_; }
    manager::Mix mix() const { return mix_; }

    // Rank 0, before a run: empties the dict and the list.
    virtual void reset() = 0;
    // This rank's part of one run: its worker's operations, or (the server's
    // rank 0) answering them. Anything wrong is recorded with run.fail(): the
    // rank goes on with the protocol, so no partner is left waiting.
    virtual void run_part(RankRun& run) = 0;
    // Rank 0, after a run: manager::verify() on what the workers left; throws
    // std::runtime_error on a lost update, naming the rank that lost it.
    // Returns the list entries checked.
    std::uint64_t verify();

protected:
    // first_worker_rank: the rank that runs worker 0 (worker w is rank w + first_worker_rank).
    RankStore(unsigned workers, std::uint64_t operations, manager::Mix mix, int first_worker_rank)
        : workers_(workers), operations_(operations), mix_(mix), first_worker_rank_(first_worker_rank) {}

    // The store's contents on rank 0, for verify().
    struct Contents {
        std::vector<std::uint64_t> list;
        std::vector<std::pair<std::string, std::uint64_t>> dict;
    };
    virtual Contents contents() = 0;

    int first_worker_rank() const { return first_worker_rank_; }
    // The operation whose append this rank's worker leaves out (the hidden test
    // flag --tvp_test_lose_update_rank): a lost update; none by default.
    static constexpr std::uint64_t no_lost_update = ~std::uint64_t{0};
    std::uint64_t lost_update_op(int rank, int lose_update_rank) const;

private:
    unsigned workers_;
    std::uint64_t operations_;
    manager::Mix mix_;
    int first_worker_rank_;
};

}  // namespace tvp::mpi
