// The shared-segment store. A worker never allocates in the segment, and never
// takes a lock of Boost's: Boost.Interprocess's segment manager guards its
// allocator and its index of named objects with mutexes that are not robust, so
// a worker killed while allocating (or while looking a name up) would leave
// them locked and block every other worker for good. Instead, reset() -- in the
// parent, before the workers start -- allocates all a run needs: the list's
// capacity for every append of the run and a dict entry for every worker's key
// (holding `not_written` until the worker's first write). Workers then only
// find their entry (a lookup by string_view, no temporary string in the
// segment), assign to it, and push_back within the reserved capacity; they
// open the segment with find_no_lock(). The one lock they take is the store's
// own robust mutex (robust_mutex.hpp).
#include <boost/interprocess/allocators/allocator.hpp>
#include <boost/interprocess/containers/map.hpp>
#include <boost/interprocess/containers/string.hpp>
#include <boost/interprocess/containers/vector.hpp>
#include <boost/interprocess/managed_shared_memory.hpp>
#include <unistd.h>

#include <string_view>

#include "manager/robust_mutex.hpp"
#include "manager/stores.hpp"
#include "os/segment_janitor.hpp"
#include "os/shared_memory.hpp"
#include "os/arguments.hpp"
#include "task/typed_task.hpp"

namespace tvp::manager {

namespace bip = boost::interprocess;
using SegmentManager = bip::managed_shared_memory::segment_manager;
using ShmString = bip::basic_string<char, std::char_traits<char>, bip::allocator<char, SegmentManager>>;

// Compares keys in the segment with keys anywhere, so that a lookup needs no
// ShmString (which could allocate in the segment).
struct KeyLess {
    using is_transparent = void;
    static std::string_view view(const ShmString& key) { return {key.data(), key.size()}; }
    static std::string_view view(std::string_view key) { return key; }
    template <class Left, class Right>
    bool operator()(const Left& left, const Right& right) const {
        return view(left) < view(right);
    }
};

using ShmDict = bip::map<ShmString, std::uint64_t, KeyLess,
                         bip::allocator<std::pair<const ShmString, std::uint64_t>, SegmentManager>>;
using ShmList = bip::vector<std::uint64_t, bip::allocator<std::uint64_t, SegmentManager>>;

// A dict entry made by reset() that no worker has written yet: absent, to a reader.
constexpr std::uint64_t not_written = ~std::uint64_t{0};

struct SharedState {
    explicit SharedState(SegmentManager* manager) : dict(manager), list(manager) {}
    RobustMutex mutex;
    ShmDict dict;
    ShmList list;
    std::uint64_t recoveries = 0;
};

struct ShmStore::Segment {
    bip::managed_shared_memory memory;
};

namespace {

constexpr const char* state_name = "tvp_manager_state";

[[noreturn]] void too_small(const std::string& name, std::size_t size, const std::string& doing) {
    throw std::runtime_error("shared segment " + name + " (" + std::to_string(size) + " bytes) is too small " + doing);
}

// Removes the segment's name, and tells the janitor it is no longer ours to remove.
void remove_name(const std::string& name) {
    bip::shared_memory_object::remove(name.c_str());
    withdraw_name("/" + name);
}

}  // namespace

ShmStore::ShmStore(std::unique_ptr<Segment> segment, std::string name, bool owner)
    : segment_(std::move(segment)), name_(std::move(name)), owner_(owner) {}

ShmStore ShmStore::create(std::size_t bytes) {
    const std::string name = unique_segment_name().substr(1);  // Boost adds the leading '/'
    bip::permissions owner_only;
    owner_only.set_permissions(0600);
    try {
        require_dev_shm_space(bytes, "/" + name);
        auto segment = std::make_unique<Segment>(
            Segment{bip::managed_shared_memory(bip::create_only, name.c_str(), bytes, nullptr, owner_only)});
        reserve_named_segment("/" + name);
        ShmStore store(std::move(segment), name, true);
        store.state_ =
            store.segment_->memory.construct<SharedState>(state_name)(store.segment_->memory.get_segment_manager());
        return store;
    } catch (const bip::interprocess_exception& error) {  // bad_alloc, or a size below Boost's own header
        remove_name(name);
        too_small(name, bytes, std::string("to hold the store itself (") + error.what() + ")");
    } catch (...) {
        remove_name(name);
        throw;
    }
}

ShmStore ShmStore::open(const std::string& name) {
    auto segment = std::make_unique<Segment>(Segment{bip::managed_shared_memory(bip::open_only, name.c_str())});
    ShmStore store(std::move(segment), name, false);
    // find() would take the segment's (non-robust) index mutex; the parent made
    // the state before any worker started, and nobody changes the index later.
    store.state_ = store.segment_->memory.find_no_lock<SharedState>(state_name).first;
    if (store.state_ == nullptr) throw std::runtime_error("segment " + name + " holds no manager store");
    return store;
}

std::size_t ShmStore::bytes_needed(unsigned workers, std::uint64_t operations, Mix mix) {
    return total_appends(workers, operations, mix) * sizeof(std::uint64_t) + workers * std::size_t{256} + (64 << 10);
}

ShmStore::ShmStore(ShmStore&& other) noexcept
    : segment_(std::move(other.segment_)), state_(other.state_), name_(std::move(other.name_)), owner_(other.owner_) {
    other.owner_ = false;
}

ShmStore::~ShmStore() {
    segment_.reset();
    if (owner_) remove_name(name_);
}

void ShmStore::reset(unsigned workers, std::uint64_t operations, Mix mix) {
    state_->dict.clear();
    state_->list.clear();
    try {
        state_->list.reserve(total_appends(workers, operations, mix));
        const auto allocator = segment_->memory.get_segment_manager();
        for (unsigned worker = 0; worker < workers; ++worker)
            state_->dict.emplace(ShmString(worker_key(worker).c_str(), allocator), not_written);
    } catch (const bip::bad_alloc&) {
        too_small(name_, segment_->memory.get_size(),
                  "for " + std::to_string(workers) + " workers x " + std::to_string(operations) + " operations");
    }
}

namespace {

// One worker's view of the store (workload.hpp's WorkerAccess).
struct ShmAccess {
    SharedState& state;
    const std::string key;
    ShmDict::iterator entry{};  // the worker's entry, found under the lock
    void locked(auto body) {
        RobustLock lock(state.mutex);
        if (lock.recovered()) ++state.recoveries;
        entry = state.dict.find(std::string_view(key));  // made by reset(): found
        body();
    }
    void write(std::uint64_t op, std::uint64_t appended) {
        entry->second = op;
        if (state.list.size() == state.list.capacity())  // growing would allocate
            throw std::runtime_error("more appends than the store was reset for");
        state.list.push_back(appended);
    }
    std::optional<std::uint64_t> read() const {
        if (entry->second == not_written) return std::nullopt;
        return entry->second;
    }
};

}  // namespace

void ShmStore::run_worker(unsigned worker, std::uint64_t operations, Mix mix) {
    ShmAccess access{*state_, worker_key(worker)};
    if (state_->dict.find(std::string_view(access.key)) == state_->dict.end())
        throw std::invalid_argument("the store was reset for fewer workers than " + std::to_string(worker + 1));
    run_operations(access, worker, operations, mix);
}

Task ShmStore::spawned_worker(unsigned worker, std::uint64_t operations, Mix mix) const {
    return named_task(ShmWorkerTask{.segment = name_, .worker = worker, .operations = operations, .mix = mix});
}

std::uint64_t ShmStore::verify(unsigned workers, std::uint64_t operations, Mix mix) {
    std::vector<std::pair<std::string, std::uint64_t>> dict;
    for (const auto& [key, value] : state_->dict)
        if (value != not_written) dict.emplace_back(std::string(key.begin(), key.end()), value);
    return manager::verify({state_->list.data(), state_->list.size()}, dict, workers, operations, mix);
}

std::size_t ShmStore::free_bytes() const { return segment_->memory.get_free_memory(); }

std::uint64_t ShmStore::recoveries() const { return state_->recoveries; }

void ShmStore::lock_and_abandon() { state_->mutex.lock(); }

std::vector<std::string> ShmWorkerTask::to_args() const {
    return {segment, std::to_string(worker), std::to_string(operations), std::string(to_string(mix))};
}

ShmWorkerTask ShmWorkerTask::from_args(std::span<const std::string> args) {
    require_argument_count(args, 4, name, "<segment> <worker> <operations> <mix>");
    return {.segment = args[0],
            .worker = integer_argument<unsigned>(args, 1, "worker"),
            .operations = integer_argument<std::uint64_t>(args, 2, "operations"),
            .mix = parse_mix(args[3])};
}

int ShmWorkerTask::run() const {
    ShmStore store = ShmStore::open(segment);
    store.run_worker(worker, operations, mix);
    return 0;
}

AbandonLockTask AbandonLockTask::from_args(std::span<const std::string> args) {
    require_argument_count(args, 1, name, "<segment>");
    return {.segment = args[0]};
}

int AbandonLockTask::run() const {
    ShmStore store = ShmStore::open(segment);
    store.lock_and_abandon();
    ::_exit(3);  // dies holding the lock, as a crashing worker would
}

}  // namespace tvp::manager
