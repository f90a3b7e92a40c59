#include "window_store.hpp"

#include <algorithm>
#include <optional>
#include <vector>

namespace tvp::mpi {

namespace {

using manager::worker_key;

constexpr std::uint64_t not_written = ~std::uint64_t{0};
constexpr MPI_Aint length_slot = 0;
MPI_Aint dict_slot(unsigned worker) { return 1 + static_cast<MPI_Aint>(worker); }
MPI_Aint list_slot(unsigned workers, std::uint64_t index) { return 1 + static_cast<MPI_Aint>(workers + index); }

int world_rank() {
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    return rank;
}

int world_size() {
    int size = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    return size;
}

// One rank's worker (workload.hpp's WorkerAccess) on rank 0's window. What a
// Put sends must stay put until the epoch ends (MPI_Win_unlock): the members
// below, not locals of write().
class WindowAccess {
public:
    WindowAccess(MPI_Win window, unsigned workers, unsigned worker, std::uint64_t capacity, std::uint64_t lost_op)
        : window_(window), workers_(workers), worker_(worker), capacity_(capacity), lost_op_(lost_op) {}

    void locked(auto body) {
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, window_);
        body();
        MPI_Win_unlock(0, window_);
    }

    void write(std::uint64_t op, std::uint64_t entry) {
        std::uint64_t length = 0;
        MPI_Get(&length, 1, MPI_UINT64_T, 0, length_slot, 1, MPI_UINT64_T, window_);
        MPI_Win_flush(0, window_);
        value_ = op;
        MPI_Put(&value_, 1, MPI_UINT64_T, 0, dict_slot(worker_), 1, MPI_UINT64_T, window_);
        if (op == lost_op_) return;  // the hidden test flag: this append is lost
        if (length >= capacity_) {   // only a lock that did not exclude could do it; never Put past the window
            ++overflows_;
            return;
        }
        entry_ = entry;
        new_length_ = length + 1;
        MPI_Put(&entry_, 1, MPI_UINT64_T, 0, list_slot(workers_, length), 1, MPI_UINT64_T, window_);
        MPI_Put(&new_length_, 1, MPI_UINT64_T, 0, length_slot, 1, MPI_UINT64_T, window_);
    }

    std::optional<std::uint64_t> read() {
        std::uint64_t value = not_written;
        MPI_Get(&value, 1, MPI_UINT64_T, 0, dict_slot(worker_), 1, MPI_UINT64_T, window_);
        MPI_Win_flush(0, window_);
        return value == not_written ? std::nullopt : std::optional(value);
    }

    std::uint64_t overflows() const { return overflows_; }

private:
    MPI_Win window_;
    unsigned workers_;
    unsigned worker_;
    std::uint64_t capacity_;
    std::uint64_t lost_op_;
    std::uint64_t value_ = 0, entry_ = 0, new_length_ = 0;
    std::uint64_t overflows_ = 0;
};

}  // namespace

WindowStore::WindowStore(std::uint64_t operations, manager::Mix mix, int lose_update_rank)
    : RankStore(static_cast<unsigned>(world_size()), operations, mix, /*first_worker_rank=*/0),
      capacity_(manager::total_appends(workers(), operations, mix)),
      lose_update_rank_(lose_update_rank) {
    const MPI_Aint words = world_rank() == 0 ? list_slot(workers(), capacity_) : 0;
    void* base = nullptr;
    MPI_Win_allocate(words * static_cast<MPI_Aint>(sizeof(std::uint64_t)), sizeof(std::uint64_t), MPI_INFO_NULL,
                     MPI_COMM_WORLD, &base, &window_);
}

WindowStore::~WindowStore() {
    if (window_ != MPI_WIN_NULL) MPI_Win_free(&window_);
}

void WindowStore::reset() {
    // The length and the dict; the list's old entries lie past the new length.
    const std::vector<std::uint64_t> header = [&] {
        std::vector<std::uint64_t> words(1 + workers(), not_written);
        words[length_slot] = 0;
        return words;
    }();
    MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, window_);
    MPI_Put(header.data(), static_cast<int>(header.size()), MPI_UINT64_T, 0, length_slot,
            static_cast<int>(header.size()), MPI_UINT64_T, window_);
    MPI_Win_unlock(0, window_);
}

void WindowStore::run_part(RankRun& run) {
    const int rank = run.rank();
    const auto worker = static_cast<unsigned>(rank);
    WindowAccess access(window_, workers(), worker, capacity_, lost_update_op(rank, lose_update_rank_));
    manager::run_operations(access, worker, operations(), mix());
    if (access.overflows() != 0)
        run.fail("rank " + std::to_string(rank) + " found the window's list full " +
                 std::to_string(access.overflows()) + " times (an exclusive lock that did not exclude)");
}

RankStore::Contents WindowStore::contents() {
    std::vector<std::uint64_t> words(static_cast<std::size_t>(list_slot(workers(), capacity_)));
    MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, window_);
    MPI_Get(words.data(), static_cast<int>(words.size()), MPI_UINT64_T, 0, 0, static_cast<int>(words.size()),
            MPI_UINT64_T, window_);
    MPI_Win_unlock(0, window_);
    Contents found;
    const std::uint64_t length = std::min(words[length_slot], capacity_);
    const auto list_begin = words.begin() + list_slot(workers(), 0);
    found.list.assign(list_begin, list_begin + static_cast<std::ptrdiff_t>(length));
    for (unsigned worker = 0; worker < workers(); ++worker)
        if (words[static_cast<std::size_t>(dict_slot(worker))] != not_written)
            found.dict.emplace_back(worker_key(worker), words[static_cast<std::size_t>(dict_slot(worker))]);
    return found;
}

}  // namespace tvp::mpi
