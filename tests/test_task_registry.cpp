#include <gtest/gtest.h>

#include "ipc/peer.hpp"
#include "task/task_registry.hpp"
#include "manager/server_store.hpp"
#include "manager/stores.hpp"
#include "sumsq/partial_sum.hpp"

namespace tvp {
namespace {

int run(std::vector<const char*> words) {
    return run_task_from_command_line(static_cast<int>(words.size()), words.data());
}

TEST(TaskRegistry, FindsBuiltinTasksByName) {
    EXPECT_NE(find_task("noop"), nullptr);
    EXPECT_NE(find_task("sumsq_partial"), nullptr);
    EXPECT_EQ(find_task("no_such_task"), nullptr);
}

TEST(TaskRegistry, RunsATaskAndReturnsItsCode) {
    EXPECT_EQ(run({"noop"}), 0);
    EXPECT_EQ(run({"exit_with", "9"}), 9);
}

TEST(TaskRegistry, UnknownTaskIsAUsageError) { EXPECT_EQ(run({"no_such_task"}), exit_unknown_task); }

TEST(TaskRegistry, MissingNameIsAUsageError) { EXPECT_EQ(run({}), exit_unknown_task); }

TEST(TaskRegistry, BadArgumentsAreReportedNotCrashed) {
    EXPECT_EQ(run({"exit_with", "nine"}), exit_task_threw);
    EXPECT_EQ(run({"sumsq_partial", "/x"}), exit_task_threw);
}

TEST(TaskRegistry, IntegerArgumentsAreStrict) {
    const std::vector<std::string> args{"12", "12x", ""};
    EXPECT_EQ(integer_argument<int>(args, 0, "a"), 12);
    EXPECT_THROW(integer_argument<int>(args, 1, "b"), std::invalid_argument);
    EXPECT_THROW(integer_argument<int>(args, 2, "c"), std::invalid_argument);
    EXPECT_THROW(integer_argument<int>(args, 3, "d"), std::invalid_argument);
}

TEST(TypedTask, ItsArgumentsRebuildIt) {
    const SumsqPartialTask task{.segment = "/seg", .slot = 2, .range = {5, 9}, .slots = nullptr};
    const std::vector<std::string> args = task.to_args();
    EXPECT_EQ(args, (std::vector<std::string>{"/seg", "2", "5", "9"}));
    const SumsqPartialTask rebuilt = SumsqPartialTask::from_args(args);
    EXPECT_EQ(rebuilt.segment, task.segment);
    EXPECT_EQ(rebuilt.slot, task.slot);
    EXPECT_EQ(rebuilt.range, task.range);
}

TEST(TypedTask, WrongArgumentCountIsAnInvalidArgument) {
    const std::vector<std::string> three{"/seg", "2", "5"};
    EXPECT_THROW(SumsqPartialTask::from_args(three), std::invalid_argument);
}

// The tasks the IPC and manager scenarios spawn: the arguments each one's
// to_args() writes (in the order spawned workers read them) rebuild it.
TEST(TypedTask, IpcPeerArgumentsRebuildIt) {
    const ipc::IpcPeerTask task{
        .options = {.role = ipc::PeerRole::consume, .payload_bytes = 64, .ack_every = 8, .cpu = -1},
        .parent = 1234,
        .endpoint = {"pipe", "5", "6"}};
    const std::vector<std::string> args = task.to_args();
    EXPECT_EQ(args, (std::vector<std::string>{"consume", "64", "8", "-1", "1234", "pipe", "5", "6"}));
    const ipc::IpcPeerTask rebuilt = ipc::IpcPeerTask::from_args(args);
    EXPECT_EQ(rebuilt.options.role, task.options.role);
    EXPECT_EQ(rebuilt.options.payload_bytes, task.options.payload_bytes);
    EXPECT_EQ(rebuilt.options.ack_every, task.options.ack_every);
    EXPECT_EQ(rebuilt.options.cpu, task.options.cpu);
    EXPECT_EQ(rebuilt.parent, task.parent);
    EXPECT_EQ(rebuilt.endpoint, task.endpoint);
    EXPECT_EQ(rebuilt.peer_end, nullptr);
    EXPECT_EQ(ipc::IpcPeerTask::from_args(ipc::IpcPeerTask{.options = {}, .parent = 1, .endpoint = {"pipe"}}.to_args())
                  .options.role,
              ipc::PeerRole::echo);
}

TEST(TypedTask, IpcPeerRefusesWrongArguments) {
    const std::vector<std::string> no_endpoint{"echo", "64", "1", "-1", "1234"};
    EXPECT_THROW(ipc::IpcPeerTask::from_args(no_endpoint), std::invalid_argument);
    const std::vector<std::string> unknown_role{"shout", "64", "1", "-1", "1234", "pipe"};
    EXPECT_THROW(ipc::IpcPeerTask::from_args(unknown_role), std::invalid_argument);
    const std::vector<std::string> no_acks{"consume", "64", "0", "-1", "1234", "pipe"};
    EXPECT_THROW(ipc::IpcPeerTask::from_args(no_acks), std::invalid_argument);
}

TEST(TypedTask, ManagerServerArgumentsRebuildIt) {
    manager::ServerTask task;
    task.config.socket_name = "tvp-1-abc-manager";
    task.config.parent = 1234;
    task.config.workers = 3;
    task.config.list_capacity = 1500;
    task.key_fd = 7;
    const std::vector<std::string> args = task.to_args();
    EXPECT_EQ(args, (std::vector<std::string>{"tvp-1-abc-manager", "1234", "7", "3", "1500"}));
    const manager::ServerTask rebuilt = manager::ServerTask::from_args(args);
    EXPECT_EQ(rebuilt.config.socket_name, task.config.socket_name);
    EXPECT_EQ(rebuilt.config.parent, task.config.parent);
    EXPECT_EQ(rebuilt.key_fd, task.key_fd);
    EXPECT_EQ(rebuilt.config.workers, task.config.workers);
    EXPECT_EQ(rebuilt.config.list_capacity, task.config.list_capacity);
}

TEST(TypedTask, ManagerServerRefusesWrongArguments) {
    const std::vector<std::string> four{"tvp-1-abc-manager", "1234", "7", "3"};
    EXPECT_THROW(manager::ServerTask::from_args(four), std::invalid_argument);
    // A spawned server without the key's descriptor would serve with an empty key.
    const std::vector<std::string> no_key{"tvp-1-abc-manager", "1234", "-1", "3", "1500"};
    EXPECT_THROW(manager::ServerTask::from_args(no_key), std::invalid_argument);
}

TEST(TypedTask, ManagerClientArgumentsRebuildIt) {
    const manager::ClientTask task{
        .socket_name = "tvp-1-abc-manager", .key_fd = 7, .worker = 2, .operations = 500, .mix = manager::Mix::read90};
    const std::vector<std::string> args = task.to_args();
    EXPECT_EQ(args, (std::vector<std::string>{"tvp-1-abc-manager", "7", "2", "500", "read90"}));
    const manager::ClientTask rebuilt = manager::ClientTask::from_args(args);
    EXPECT_EQ(rebuilt.socket_name, task.socket_name);
    EXPECT_EQ(rebuilt.key_fd, task.key_fd);
    EXPECT_EQ(rebuilt.worker, task.worker);
    EXPECT_EQ(rebuilt.operations, task.operations);
    EXPECT_EQ(rebuilt.mix, task.mix);
}

TEST(TypedTask, ManagerClientRefusesWrongArguments) {
    const std::vector<std::string> six{"tvp-1-abc-manager", "7", "2", "500", "write", "extra"};
    EXPECT_THROW(manager::ClientTask::from_args(six), std::invalid_argument);
    const std::vector<std::string> unknown_mix{"tvp-1-abc-manager", "7", "2", "500", "read50"};
    EXPECT_THROW(manager::ClientTask::from_args(unknown_mix), std::invalid_argument);
}

TEST(TypedTask, ManagerShmWorkerArgumentsRebuildIt) {
    const manager::ShmWorkerTask task{
        .segment = "tvp-1-abc", .worker = 1, .operations = 500, .mix = manager::Mix::write};
    const std::vector<std::string> args = task.to_args();
    EXPECT_EQ(args, (std::vector<std::string>{"tvp-1-abc", "1", "500", "write"}));
    const manager::ShmWorkerTask rebuilt = manager::ShmWorkerTask::from_args(args);
    EXPECT_EQ(rebuilt.segment, task.segment);
    EXPECT_EQ(rebuilt.worker, task.worker);
    EXPECT_EQ(rebuilt.operations, task.operations);
    EXPECT_EQ(rebuilt.mix, task.mix);
}

TEST(TypedTask, ManagerShmWorkerRefusesWrongArguments) {
    const std::vector<std::string> three{"tvp-1-abc", "1", "500"};
    EXPECT_THROW(manager::ShmWorkerTask::from_args(three), std::invalid_argument);
}

TEST(TypedTask, ManagerAbandonLockArgumentsRebuildIt) {
    const manager::AbandonLockTask task{.segment = "tvp-1-abc"};
    const std::vector<std::string> args = task.to_args();
    EXPECT_EQ(args, (std::vector<std::string>{"tvp-1-abc"}));
    EXPECT_EQ(manager::AbandonLockTask::from_args(args).segment, task.segment);
}

TEST(TypedTask, ManagerAbandonLockRefusesWrongArguments) {
    const std::vector<std::string> none;
    EXPECT_THROW(manager::AbandonLockTask::from_args(none), std::invalid_argument);
    const std::vector<std::string> two{"tvp-1-abc", "tvp-1-def"};
    EXPECT_THROW(manager::AbandonLockTask::from_args(two), std::invalid_argument);
}

// Spawned workers find the converted tasks under the names they always had.
TEST(TypedTask, ConvertedTasksKeepTheirNames) {
    EXPECT_EQ(ipc::IpcPeerTask::name, "ipc_peer");
    EXPECT_EQ(manager::ServerTask::name, "manager_server");
    EXPECT_EQ(manager::ClientTask::name, "manager_client");
    EXPECT_EQ(manager::ShmWorkerTask::name, "manager_shm_worker");
    EXPECT_EQ(manager::AbandonLockTask::name, "manager_abandon_lock");
    for (const char* name :
         {"ipc_peer", "manager_server", "manager_client", "manager_shm_worker", "manager_abandon_lock"})
        EXPECT_NE(find_task(name), nullptr) << name;
}

}  // namespace
}  // namespace tvp
