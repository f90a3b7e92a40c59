#include <boost/interprocess/managed_shared_memory.hpp>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <random>

#include "launch/launcher.hpp"
#include "task/typed_task.hpp"
#include "manager/server_session.hpp"
#include "manager/store_task.hpp"
#include "manager/stores.hpp"
#include "manager_test_support.hpp"
#include "test_support.hpp"

namespace tvp::manager {
namespace {

using namespace std::chrono_literals;
namespace bip = boost::interprocess;
using Dict = std::vector<std::pair<std::string, std::uint64_t>>;

TEST(Workload, VerifyAcceptsTheExactState) {
    std::vector<std::uint64_t> list{list_entry(0, 0), list_entry(1, 0), list_entry(0, 1), list_entry(1, 1)};
    EXPECT_NO_THROW(verify(list, Dict{{"worker0", 1}, {"worker1", 1}}, 2, 2, Mix::write));
}

TEST(Workload, VerifyCatchesLostAndWrongUpdates) {
    std::vector<std::uint64_t> list{list_entry(0, 0), list_entry(1, 0), list_entry(1, 1)};  // worker 0 lost op 1
    EXPECT_THROW(verify(list, Dict{{"worker0", 1}, {"worker1", 1}}, 2, 2, Mix::write), std::runtime_error);
    std::vector<std::uint64_t> full{list_entry(0, 0), list_entry(0, 1)};
    EXPECT_THROW(verify(full, Dict{{"worker0", 0}}, 1, 2, Mix::write), std::runtime_error);  // stale value
    EXPECT_THROW(verify(full, Dict{}, 1, 2, Mix::write), std::runtime_error);                // missing key
    std::vector<std::uint64_t> swapped{list_entry(0, 1), list_entry(0, 0)};
    EXPECT_THROW(verify(swapped, Dict{{"worker0", 1}}, 1, 2, Mix::write), std::runtime_error);  // out of order
}

TEST(Workload, ReadMostlyMixWritesOneOperationInTen) {
    std::vector<std::uint64_t> list{list_entry(0, 9), list_entry(0, 19)};
    EXPECT_NO_THROW(verify(list, Dict{{"worker0", 19}}, 1, 20, Mix::read90));
}

// The check bench runs after every run (each store's verify())
// catches a run that lost a worker's updates or ended in a wrong state.
TEST(StoreVerification, EveryStoreCatchesALostWorker) {
    constexpr std::uint64_t count = 100;
    MemoryStore memory;
    memory.reset(2, count, Mix::write);
    memory.run_worker(0, count, Mix::write);
    EXPECT_THROW(memory.verify(2, count, Mix::write), std::runtime_error);
    memory.run_worker(1, count, Mix::write);
    EXPECT_EQ(memory.verify(2, count, Mix::write), 2 * count);

    ShmStore shared = ShmStore::create(ShmStore::bytes_needed(2, count, Mix::write));
    shared.reset(2, count, Mix::write);
    shared.run_worker(1, count, Mix::write);
    EXPECT_THROW(shared.verify(2, count, Mix::write), std::runtime_error);
    shared.run_worker(0, count, Mix::write);
    EXPECT_EQ(shared.verify(2, count, Mix::write), 2 * count);
}

TEST(StoreVerification, TheServerCheckCatchesALostWorkerAndAStaleValue) {
    constexpr std::uint64_t count = 100;
    ServerSession server(Launcher(Backend::fork), 2, 2 * count);
    server.control().reset(2 * count);
    ManagerClient worker(server.config().socket_name, server.config().key);
    worker.run_worker(0, count, Mix::write);
    EXPECT_THROW(verify_server_state(server.control(), 2, count, Mix::write), std::runtime_error);
    worker.run_worker(1, count, Mix::write);
    EXPECT_EQ(verify_server_state(server.control(), 2, count, Mix::write), 2 * count);
    worker.set(1, 3);  // a late write: worker1 no longer holds its last value
    EXPECT_THROW(verify_server_state(server.control(), 2, count, Mix::write), std::runtime_error);
    server.stop();
}

// A store that a spawned worker cannot reach says so instead of
// handing out a task that would run on nothing.
TEST(StoreInterface, AStoreASpawnedWorkerCannotReachRefusesASpawnedTask) {
    MemoryStore memory;
    EXPECT_THROW(store_worker_task(memory, Backend::posix_spawn, 0, 1, Mix::write), std::logic_error);
    ServerSession in_process(Launcher(Backend::fork), 1, 1);  // no key file to hand on
    EXPECT_THROW(store_worker_task(in_process, Backend::posix_spawn, 0, 1, Mix::write), std::logic_error);
    EXPECT_NO_THROW(in_process.stop());
}

constexpr unsigned workers = 3;
constexpr std::uint64_t operations = 500;

std::vector<Task> worker_tasks(const std::function<Task(unsigned)>& task_for) {
    std::vector<Task> tasks;
    for (unsigned worker = 0; worker < workers; ++worker) tasks.push_back(task_for(worker));
    return tasks;
}

TEST(MemoryStore, ThreadsLeaveTheExactState) {
    for (Mix mix : {Mix::write, Mix::read90}) {
        MemoryStore store;
        store.reset(workers, operations, mix);
        run_all(Launcher(Backend::thread), worker_tasks([&](unsigned worker) {
                    return Task{.name = {}, .args = {}, .function = [&store, worker, mix] {
                                    store.run_worker(worker, operations, mix);
                                    return 0;
                                }};
                }));
        EXPECT_NO_THROW(store.verify(workers, operations, mix));
    }
}

class ProcessStoreTest : public testing::LeakCheckedTest, public ::testing::WithParamInterface<Backend> {
protected:
    Launcher launcher{GetParam()};
    bool spawned() const { return runs_worker_executable(GetParam()); }

    Task shm_task(ShmStore& store, unsigned worker, std::uint64_t count, Mix mix) const {
        return store_worker_task(store, GetParam(), worker, count, mix);
    }
    std::vector<Task> shm_tasks(ShmStore& store, Mix mix) const {
        return worker_tasks([&](unsigned worker) { return shm_task(store, worker, operations, mix); });
    }
};

TEST_P(ProcessStoreTest, SharedSegmentLeavesTheExactState) {
    for (Mix mix : {Mix::write, Mix::read90}) {
        ShmStore store = ShmStore::create(ShmStore::bytes_needed(workers, operations, mix));
        store.reset(workers, operations, mix);
        run_all(launcher, shm_tasks(store, mix));
        EXPECT_EQ(store.verify(workers, operations, mix), total_appends(workers, operations, mix));
        EXPECT_EQ(store.recoveries(), 0u);
    }
}

TEST_P(ProcessStoreTest, AWorkerThatDiesHoldingTheLockDoesNotHangTheOthers) {
    ShmStore store = ShmStore::create(ShmStore::bytes_needed(1, operations, Mix::write));
    store.reset(1, operations, Mix::write);
    Task crash = spawned() ? named_task(AbandonLockTask{.segment = store.name()})
                           : Task{.name = {}, .args = {}, .function = [&store]() -> int {
                                      store.lock_and_abandon();
                                      ::_exit(3);
                                  }};
    EXPECT_EQ(launcher.start(crash)->join(), ExitStatus::exited(3));
    const auto start = std::chrono::steady_clock::now();
    store.run_worker(0, operations, Mix::write);  // would block forever on a non-robust mutex
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
    EXPECT_EQ(store.recoveries(), 1u);
    EXPECT_NO_THROW(store.verify(1, operations, Mix::write));
}

TEST_P(ProcessStoreTest, ServerLeavesTheExactStateAndSurvivesADeadClient) {
    ServerSession server(launcher, workers, workers * operations);
    // A client takes the lock and dies mid-request, from a forked child.
    const pid_t doomed = ::fork();
    if (doomed == 0) {
        ManagerClient client(server.config().socket_name, server.config().key);
        client.lock();
        client.set(0, 7);
        ::_exit(9);
    }
    ::waitpid(doomed, nullptr, 0);

    server.control().reset(workers * operations);
    std::vector<Task> tasks;
    for (unsigned worker = 0; worker < workers; ++worker)
        tasks.push_back(server.worker_task(worker, operations, Mix::write));
    EXPECT_TRUE(testing::run_all_within(launcher, tasks, 60s));
    EXPECT_EQ(verify_server_state(server.control(), workers, operations, Mix::write), workers * operations);
    EXPECT_NO_THROW(server.stop());
}

// Boost.Interprocess's allocator and name index are guarded by
// mutexes that are not robust, so the workers must never need them.
TEST_P(ProcessStoreTest, WorkersNeverAllocateInTheSegment) {
    ShmStore store = ShmStore::create(ShmStore::bytes_needed(workers, operations, Mix::write));
    store.reset(workers, operations, Mix::write);
    const std::size_t free_before = store.free_bytes();
    EXPECT_TRUE(testing::run_all_within(launcher, shm_tasks(store, Mix::write), 60s));
    EXPECT_EQ(store.free_bytes(), free_before) << "a worker allocated in the segment";
    EXPECT_EQ(store.verify(workers, operations, Mix::write), workers * operations);
}

// What a process killed inside Boost's segment manager leaves: its mutexes held for good.
struct DiesWhileConstructed {
    DiesWhileConstructed() { ::raise(SIGKILL); }
};

// A forked child that dies holding the segment's name-index mutex (a named
// object's constructor runs under it) -- deterministic.
void kill_a_process_inside_the_name_index(const std::string& segment) {
    const auto code = testing::run_in_child(
        [&] {
            bip::managed_shared_memory memory(bip::open_only, segment.c_str());
            memory.construct<DiesWhileConstructed>("dies while constructed")();
            return 0;
        },
        5s);
    ASSERT_EQ(code, 128 + SIGKILL);
}

// Kills children that allocate and free in a loop until one dies holding the
// allocator's mutex (seen as an allocation that no longer completes).
void kill_a_process_inside_the_allocator(const std::string& segment) {
    std::mt19937 random{std::random_device{}()};
    for (int attempt = 0; attempt < 100; ++attempt) {
        const pid_t churner = ::fork();
        ASSERT_GE(churner, 0);
        if (churner == 0) {
            bip::managed_shared_memory memory(bip::open_only, segment.c_str());
            while (true) memory.deallocate(memory.allocate(64));
        }
        std::this_thread::sleep_for(std::chrono::microseconds(std::uniform_int_distribution(2000, 6000)(random)));
        ::kill(churner, SIGKILL);
        ::waitpid(churner, nullptr, 0);
        const auto probe = testing::run_in_child(
            [&] {
                bip::managed_shared_memory memory(bip::open_only, segment.c_str());
                memory.deallocate(memory.allocate(64));
                return 0;
            },
            500ms);
        if (!probe.has_value()) return;  // the allocator's mutex is held by the dead churner
    }
    FAIL() << "no churner died inside the allocator in 100 tries";
}

TEST_P(ProcessStoreTest, AWorkerKilledWhileAllocatingDoesNotBlockTheOthers) {
    ShmStore store = ShmStore::create(ShmStore::bytes_needed(workers, operations, Mix::write));
    store.reset(workers, operations, Mix::write);
    kill_a_process_inside_the_name_index(store.name());
    kill_a_process_inside_the_allocator(store.name());
    // From here nothing may allocate in the segment (the test's own reset neither).
    EXPECT_TRUE(testing::run_all_within(launcher, shm_tasks(store, Mix::write), 60s))
        << "the workers blocked on a lock of the segment manager's";
    EXPECT_EQ(store.verify(workers, operations, Mix::write), workers * operations);
}

// Workers killed at random points of their run (inside or outside the lock,
// or while woken to take it): the others finish. Several rounds and kills,
// since the lost wake-up that robust_mutex.hpp works around needs a kill to
// land between a waiter's wake-up and its taking the lock.
TEST_P(ProcessStoreTest, WorkersKilledMidRunDoNotBlockTheOthers) {
    constexpr unsigned crowd = 6, killed = 3;
    constexpr std::uint64_t long_run = 500'000;
    std::mt19937 random{std::random_device{}()};
    for (int round = 0; round < 5 && !HasFailure(); ++round) {
        ShmStore store = ShmStore::create(ShmStore::bytes_needed(crowd, long_run, Mix::write));
        store.reset(crowd, long_run, Mix::write);
        std::vector<std::unique_ptr<RunningWorker>> running;
        for (unsigned worker = 0; worker < crowd; ++worker)
            running.push_back(launcher.start(shm_task(store, worker, long_run, Mix::write)));
        for (unsigned victim = 0; victim < killed; ++victim) {
            std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution(5, 25)(random)));
            ::kill(*running[victim]->pid(), SIGKILL);  // not joined yet: still ours
        }
        for (unsigned worker = 0; worker < crowd; ++worker) {
            const bool ended = testing::ended_within(*running[worker]->pid(), 20s);
            EXPECT_TRUE(ended) << "round " << round << ": worker " << worker << " blocked";
            if (!ended) ::kill(*running[worker]->pid(), SIGKILL);
            const ExitStatus status = running[worker]->join();
            if (worker >= killed) {
                EXPECT_TRUE(status.success()) << "round " << round << ": worker " << worker;
            }
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Processes, ProcessStoreTest, ::testing::ValuesIn(process_backends),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST(ShmStore, ASegmentTooSmallIsAClearError) {
    ShmStore store = ShmStore::create(64 << 10);
    try {
        store.reset(8, 1'000'000, Mix::write);
        FAIL() << "expected std::runtime_error";
    } catch (const std::runtime_error& error) {
        EXPECT_NE(std::string(error.what()).find("too small"), std::string::npos) << error.what();
    }
    EXPECT_THROW(ShmStore::create(16), std::runtime_error);
}

TEST(ShmStore, NothingIsLeftInDevShm) {
    { ShmStore store = ShmStore::create(1 << 20); }
    EXPECT_TRUE(testing::own_segments().empty());
}

}  // namespace
}  // namespace tvp::manager
