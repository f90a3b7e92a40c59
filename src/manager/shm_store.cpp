#include <boost/interprocess/allocators/allocator.hpp>
#include <boost/interprocess/containers/map.hpp>
#include <boost/interprocess/containers/string.hpp>
#include <boost/interprocess/containers/vector.hpp>
#include <boost/interprocess/managed_shared_memory.hpp>
#include <unistd.h>

#include "manager/robust_mutex.hpp"
#include "manager/stores.hpp"
#include "shared_memory.hpp"
#include "task_registry.hpp"

namespace tvp::manager {

namespace bip = boost::interprocess;
using SegmentManager = bip::managed_shared_memory::segment_manager;
using ShmString = bip::basic_string<char, std::char_traits<char>, bip::allocator<char, SegmentManager>>;
using ShmDict = bip::map<ShmString, std::uint64_t, std::less<ShmString>,
                         bip::allocator<std::pair<const ShmString, std::uint64_t>, SegmentManager>>;
using ShmList = bip::vector<std::uint64_t, bip::allocator<std::uint64_t, SegmentManager>>;

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

}  // namespace

ShmStore::ShmStore(std::unique_ptr<Segment> segment, std::string name, bool owner)
    : segment_(std::move(segment)), name_(std::move(name)), owner_(owner) {}

ShmStore ShmStore::create(std::size_t bytes) {
    const std::string name = unique_segment_name().substr(1);  // Boost adds the leading '/'
    bip::permissions owner_only;
    owner_only.set_permissions(0600);
    try {
        auto segment = std::make_unique<Segment>(
            Segment{bip::managed_shared_memory(bip::create_only, name.c_str(), bytes, nullptr, owner_only)});
        ShmStore store(std::move(segment), name, true);
        store.state_ = store.segment_->memory.construct<SharedState>(state_name)(store.segment_->memory.get_segment_manager());
        return store;
    } catch (const bip::interprocess_exception& error) {  // bad_alloc, or a size below Boost's own header
        bip::shared_memory_object::remove(name.c_str());
        too_small(name, bytes, std::string("to hold the store itself (") + error.what() + ")");
    } catch (...) {
        bip::shared_memory_object::remove(name.c_str());
        throw;
    }
}

ShmStore ShmStore::open(const std::string& name) {
    auto segment = std::make_unique<Segment>(Segment{bip::managed_shared_memory(bip::open_only, name.c_str())});
    ShmStore store(std::move(segment), name, false);
    store.state_ = store.segment_->memory.find<SharedState>(state_name).first;
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
    if (owner_) bip::shared_memory_object::remove(name_.c_str());
}

void ShmStore::reset(unsigned workers, std::uint64_t operations, Mix mix) {
    state_->dict.clear();
    state_->list.clear();
    try {
        state_->list.reserve(total_appends(workers, operations, mix));
    } catch (const bip::bad_alloc&) {
        too_small(name_, segment_->memory.get_size(),
                  "for " + std::to_string(workers) + " workers x " + std::to_string(operations) + " operations");
    }
}

void ShmStore::run_worker(unsigned worker, std::uint64_t operations, Mix mix) {
    try {
        const ShmString key(worker_key(worker).c_str(), segment_->memory.get_segment_manager());
        std::uint64_t seen = 0;
        for (std::uint64_t op = 0; op < operations; ++op) {
            RobustLock lock(state_->mutex);
            if (lock.recovered()) ++state_->recoveries;
            if (writes(mix, op)) {
                state_->dict[key] = op;
                state_->list.push_back(list_entry(worker, op));
            } else if (auto found = state_->dict.find(key); found != state_->dict.end()) {
                seen += found->second;
            }
        }
        asm volatile("" : : "r"(seen));
    } catch (const bip::bad_alloc&) {
        too_small(name_, segment_->memory.get_size(), "for worker " + std::to_string(worker) + "'s updates");
    }
}

void ShmStore::verify(unsigned workers, std::uint64_t operations, Mix mix) const {
    std::vector<std::pair<std::string, std::uint64_t>> dict;
    for (const auto& [key, value] : state_->dict) dict.emplace_back(std::string(key.begin(), key.end()), value);
    manager::verify({state_->list.data(), state_->list.size()}, dict, workers, operations, mix);
}

std::uint64_t ShmStore::recoveries() const { return state_->recoveries; }

void ShmStore::lock_and_abandon() { state_->mutex.lock(); }

int shm_worker_task(std::span<const std::string> args) {
    if (args.size() != 4) throw std::invalid_argument("manager_shm_worker needs <segment> <worker> <operations> <mix>");
    ShmStore store = ShmStore::open(args[0]);
    store.run_worker(integer_argument<unsigned>(args, 1, "worker"), integer_argument<std::uint64_t>(args, 2, "operations"),
                     parse_mix(args[3]));
    return 0;
}

int abandon_lock_task(std::span<const std::string> args) {
    if (args.size() != 1) throw std::invalid_argument("manager_abandon_lock needs <segment>");
    ShmStore store = ShmStore::open(args[0]);
    store.lock_and_abandon();
    ::_exit(3);  // dies holding the lock, as a crashing worker would
}

}  // namespace tvp::manager
