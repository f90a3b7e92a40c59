#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>

#include "launcher.hpp"
#include "manager/server_store.hpp"
#include "manager/stores.hpp"
#include "test_support.hpp"

namespace tvp::manager {
namespace {

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
    EXPECT_THROW(verify(full, Dict{}, 1, 2, Mix::write), std::runtime_error);              // missing key
    std::vector<std::uint64_t> swapped{list_entry(0, 1), list_entry(0, 0)};
    EXPECT_THROW(verify(swapped, Dict{{"worker0", 1}}, 1, 2, Mix::write), std::runtime_error);  // out of order
}

TEST(Workload, ReadMostlyMixWritesOneOperationInTen) {
    std::vector<std::uint64_t> list{list_entry(0, 9), list_entry(0, 19)};
    EXPECT_NO_THROW(verify(list, Dict{{"worker0", 19}}, 1, 20, Mix::read90));
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
};

TEST_P(ProcessStoreTest, SharedSegmentLeavesTheExactState) {
    for (Mix mix : {Mix::write, Mix::read90}) {
        ShmStore store = ShmStore::create(ShmStore::bytes_needed(workers, operations, mix));
        store.reset(workers, operations, mix);
        run_all(launcher, worker_tasks([&](unsigned worker) {
                    if (spawned())
                        return Task{.name = "manager_shm_worker",
                                    .args = {store.name(), std::to_string(worker), std::to_string(operations),
                                             std::string(to_string(mix))},
                                    .function = {}};
                    return Task{.name = {}, .args = {}, .function = [&store, worker, mix] {
                                    store.run_worker(worker, operations, mix);
                                    return 0;
                                }};
                }));
        EXPECT_NO_THROW(store.verify(workers, operations, mix));
        EXPECT_EQ(store.recoveries(), 0u);
    }
}

TEST_P(ProcessStoreTest, AWorkerThatDiesHoldingTheLockDoesNotHangTheOthers) {
    ShmStore store = ShmStore::create(ShmStore::bytes_needed(1, operations, Mix::write));
    store.reset(1, operations, Mix::write);
    Task crash = spawned() ? Task{.name = "manager_abandon_lock", .args = {store.name()}, .function = {}}
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
    const std::string socket = unique_socket_name();
    const pid_t parent = ::getpid();
    auto server = launcher.start(spawned() ? Task{.name = "manager_server", .args = {socket, std::to_string(parent)},
                                                  .function = {}}
                                           : Task{.name = {}, .args = {}, .function = [socket, parent] {
                                                      run_server(socket, parent);
                                                      return 0;
                                                  }});
    ManagerClient control(socket);
    // A client takes the lock and dies mid-request, from a forked child.
    const pid_t doomed = ::fork();
    if (doomed == 0) {
        ManagerClient client(socket);
        client.lock();
        client.set(0, 7);
        ::_exit(9);
    }
    ::waitpid(doomed, nullptr, 0);

    control.reset(workers * operations);
    run_all(launcher, worker_tasks([&](unsigned worker) {
                if (spawned())
                    return Task{.name = "manager_client",
                                .args = {socket, std::to_string(worker), std::to_string(operations), "write"},
                                .function = {}};
                return Task{.name = {}, .args = {}, .function = [socket, worker] {
                                ManagerClient client(socket);
                                client.run_worker(worker, operations, Mix::write);
                                return 0;
                            }};
            }));
    EXPECT_NO_THROW(verify_server_state(control, workers, operations, Mix::write));
    control.shutdown();
    EXPECT_TRUE(server->join().success());
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
