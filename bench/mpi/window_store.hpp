#pragma once
// The Manager workload's dict and list in an MPI one-sided window that rank 0
// exposes (MPI_Win_allocate; the other ranks expose nothing). Every rank is a
// worker (worker w is rank w), rank 0 included: each operation is one
// exclusive lock epoch on rank 0's window, the lock of the chapter's example:
//   write: MPI_Get the list's length, MPI_Win_flush (the Put needs it), MPI_Put
//          the entry after the list's end, the new length, and the worker's
//          dict value; MPI_Win_unlock;
//   read:  MPI_Get the worker's dict value, MPI_Win_flush, MPI_Win_unlock.
// The window, in 64-bit words: [0] the list's length; [1 + w] worker w's dict
// value (not_written: no key yet); [1 + W ...] the list, with room for every
// append of a run. As the shm store does, the dict has a slot per worker's key
// made before the run, so that no rank allocates in the window.
#include <mpi.h>

#include "rank_store.hpp"

namespace tvp::mpi {

class WindowStore final : public RankStore {
public:
    // Collective over MPI_COMM_WORLD (MPI_Win_allocate). lose_update_rank: the
    // hidden test flag (-1: none).
    WindowStore(std::uint64_t operations, manager::Mix mix, int lose_update_rank);
    ~WindowStore() override;  // collective: MPI_Win_free

    void reset() override;
    void run_part(RankRun& run) override;

private:
    Contents contents() override;

    std::uint64_t capacity_;  // list entries the window holds: a run's appends
    int lose_update_rank_;
    MPI_Win window_ = MPI_WIN_NULL;
};

}  // namespace tvp::mpi
