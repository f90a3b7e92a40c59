// The manager server on a shared machine: it admits only its own workers, takes
// no request beyond the run's limits, never waits on one client, and its
// clients never wait on it forever.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "manager/server_session.hpp"
#include "manager_test_support.hpp"
#include "test_support.hpp"

namespace tvp::manager {
namespace {

using namespace std::chrono_literals;
using testing::RawClient;
using Outcome = RawClient::Outcome;

constexpr unsigned workers = 3;
constexpr std::uint64_t operations = 200;

std::vector<Task> worker_tasks(ServerSession& server) {
    std::vector<Task> tasks;
    for (unsigned worker = 0; worker < workers; ++worker)
        tasks.push_back(server.worker_task(worker, operations, Mix::write));
    return tasks;
}

class ManagerServerTest : public testing::LeakCheckedTest {
protected:
    Launcher launcher{Backend::fork};
    ServerSession server{launcher, workers, workers* operations};

    // The workload runs to the exact final state while whatever the test set up goes on.
    void expect_a_correct_run() {
        server.control().reset(workers * operations);
        EXPECT_TRUE(testing::run_all_within(launcher, worker_tasks(server), 60s)) << "the workers did not all finish";
        EXPECT_EQ(verify_server_state(server.control(), workers, operations, Mix::write), workers * operations);
    }
    void TearDown() override {
        server.stop();
        LeakCheckedTest::TearDown();
    }
};

// A socket bound at `path` in a directory made for it, as a squatter or a fake
// server would hold it (empty on failure); the directory goes with it.
class BoundSocket {
public:
    explicit BoundSocket(const std::string& path) : path_(path) {
        socklen_t length = 0;
        const sockaddr_un address = unix_socket_address(path, length);
        if (::mkdir(std::filesystem::path(path).parent_path().c_str(), 0700) != 0) return;
        socket_.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
        if (::bind(socket_.get(), reinterpret_cast<const sockaddr*>(&address), length) != 0) socket_.reset();
    }
    ~BoundSocket() {
        socket_.reset();
        std::filesystem::remove_all(std::filesystem::path(path_).parent_path());
    }
    explicit operator bool() const { return static_cast<bool>(socket_); }
    int get() const { return socket_.get(); }

private:
    std::string path_;
    UniqueFd socket_;
};

TEST_F(ManagerServerTest, RefusesAClientOfAnotherUser) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root, to run a client as uid 65534";
    // The socket's directory keeps other users out (AnotherUserCannotConnectToTheServer);
    // opened up here, as a careless umask or chmod might, the server itself must still
    // refuse. The stranger has everything else right: it is the parent's child and sends the key.
    const std::filesystem::path socket_path = server.config().socket_name;
    std::filesystem::permissions(socket_path.parent_path(), std::filesystem::perms::all);
    std::filesystem::permissions(socket_path, std::filesystem::perms::all);
    const auto refused = testing::run_in_child(
        [&] {
            if (::setgid(65534) != 0 || ::setuid(65534) != 0) return 2;
            RawClient stranger(server.config().socket_name);
            if (!stranger.connected()) return 3;
            stranger.send_hello(server.config().key);
            stranger.send_request(wire::op_set, 0, 42);
            return stranger.outcome() == Outcome::closed ? 0 : 1;
        },
        10s);
    EXPECT_EQ(refused, 0) << "1: answered; 2: could not drop to uid 65534; 3: could not connect";
    EXPECT_GE(server.control().refused_clients(), 1u);
    expect_a_correct_run();
}

TEST_F(ManagerServerTest, RefusesAClientWithoutTheKey) {
    std::array<unsigned char, AuthKey::size> wrong{};
    std::copy(server.config().key.bytes().begin(), server.config().key.bytes().end(), wrong.begin());
    wrong[AuthKey::size - 1] ^= 1;  // all but the last bit right
    RawClient guesser(server.config().socket_name);
    ASSERT_TRUE(guesser.connected());
    guesser.send_hello(AuthKey::from_bytes(wrong));
    guesser.send_request(wire::op_set, 0, 42);
    EXPECT_EQ(guesser.outcome(), Outcome::closed);

    RawClient no_hello(server.config().socket_name);  // requests straight away, as an old client would
    ASSERT_TRUE(no_hello.connected());
    for (int i = 0; i < 3; ++i) no_hello.send_request(wire::op_set, 0, 42);  // 48 bytes: a Hello's worth, wrong magic
    EXPECT_EQ(no_hello.outcome(), Outcome::closed);

    EXPECT_EQ(server.control().refused_clients(), 2u);
    expect_a_correct_run();
}

TEST_F(ManagerServerTest, RefusesAProcessItDidNotStart) {
    // A grandchild of the parent: the right user and the key, but not a worker the parent started.
    const auto refused = testing::run_in_child(
        [&] {
            const auto inner = testing::run_in_child(
                [&] {
                    RawClient grandchild(server.config().socket_name);
                    grandchild.send_hello(server.config().key);
                    grandchild.send_request(wire::op_set, 0, 42);
                    return grandchild.outcome() == Outcome::closed ? 0 : 1;
                },
                8s);
            return inner.value_or(4);
        },
        10s);
    EXPECT_EQ(refused, 0);
    EXPECT_GE(server.control().refused_clients(), 1u);
    expect_a_correct_run();
}

TEST_F(ManagerServerTest, APartialMessageDoesNotStallTheOthers) {
    RawClient half_hello(server.config().socket_name);
    ASSERT_TRUE(half_hello.connected());
    half_hello.send_bytes("tvpm", 4);
    RawClient half_request(server.config().socket_name);
    ASSERT_TRUE(half_request.connected());
    half_request.send_hello(server.config().key);
    const wire::Request lock{wire::op_lock, 0, 0};
    half_request.send_bytes(&lock, 4);
    // Both stay connected and silent while the workers run.
    expect_a_correct_run();
}

TEST(ManagerServerTimeout, AClientThatStallsMidMessageIsCutOff) {
    ServerConfig config{.socket_name = unique_socket_name(),
                        .parent = ::getpid(),
                        .key = AuthKey::generate(),
                        .workers = 1,
                        .list_capacity = 1,
                        .client_timeout = 200ms};
    const auto server = Launcher(Backend::fork).start(Task{.name = {}, .args = {}, .function = [config] {
                                                               run_server(config);
                                                               return 0;
                                                           }});
    RawClient staller(config.socket_name);
    ASSERT_TRUE(staller.connected());
    staller.send_hello(config.key);
    staller.send_bytes("\1\0\0\0", 4);  // a quarter of a request, then nothing
    EXPECT_EQ(staller.outcome(), Outcome::closed) << "not cut off within the 5 s the test waits";
    ManagerClient(config.socket_name, config.key).shutdown();
    EXPECT_TRUE(server->join().success());
}

TEST_F(ManagerServerTest, RefusesRequestsBeyondTheRunsLimits) {
    struct Case {
        const char* what;
        std::uint32_t op;
        std::uint32_t worker;
        std::uint64_t value;
    };
    const Case cases[] = {
        {"a reset of 2^61 entries", wire::op_reset, 0, std::uint64_t{1} << 61},
        {"a reset past the capacity", wire::op_reset, 0, workers * operations + 1},
        {"a key past the last worker", wire::op_set, workers, 1},
        {"a lookup of a key past the last worker", wire::op_get, 0xffff'ffff, 0},
        {"an unknown operation", 99, 0, 0},
        {"operation zero", 0, 0, 0},
        {"an unlock without the lock", wire::op_unlock, 0, 0},
    };
    for (const Case& bad : cases) {
        RawClient client(server.config().socket_name);  // the parent's own connection: allowed to reset
        ASSERT_TRUE(client.connected());
        client.send_hello(server.config().key);
        client.send_request(bad.op, bad.worker, bad.value);
        EXPECT_EQ(client.outcome(), Outcome::closed) << bad.what;
    }
    // Appends past what the run reserved.
    server.control().reset(1);
    RawClient appender(server.config().socket_name);
    appender.send_hello(server.config().key);
    appender.send_request(wire::op_append, 0, 1);
    EXPECT_EQ(appender.outcome(), Outcome::answered);
    appender.send_request(wire::op_append, 0, 2);
    EXPECT_EQ(appender.outcome(), Outcome::closed) << "a second append into a run of one";
    // A worker asking what only the parent may.
    const auto worker_refused = testing::run_in_child(
        [&] {
            RawClient worker(server.config().socket_name);
            worker.send_hello(server.config().key);
            worker.send_request(wire::op_shutdown);
            return worker.outcome() == Outcome::closed ? 0 : 1;
        },
        10s);
    EXPECT_EQ(worker_refused, 0) << "a worker shut the server down";
    EXPECT_EQ(server.control().refused_clients(), std::size(cases) + 2);
    expect_a_correct_run();
}

TEST(ManagerClientTimeout, GivesUpWhenTheServerStopsAnswering) {
    // A "server" that listens and never answers (as a stopped or wedged one would).
    const std::string name = unique_socket_name();
    const BoundSocket listener(name);
    ASSERT_TRUE(listener);
    ASSERT_EQ(::listen(listener.get(), 8), 0);
    const auto outcome = testing::run_in_child(
        [&] {
            ManagerClient client(name, AuthKey::generate(), 300ms);
            try {
                client.lock();
            } catch (const std::runtime_error& error) {
                return std::string(error.what()).find("did not answer within 300 ms") != std::string::npos ? 0 : 2;
            }
            return 1;
        },
        10s);
    ASSERT_TRUE(outcome.has_value()) << "the client was still waiting after 10 s";
    EXPECT_EQ(*outcome, 0) << "1: it got an answer; 2: another error";
}

TEST(ManagerServerThreads, AServerThreadAdmitsTheThreadsOfItsOwnProcess) {
    const Launcher threads(Backend::thread);
    ServerSession server(threads, workers, workers * operations);
    std::this_thread::sleep_for(1200ms);  // past its first check that the parent lives (its parent is itself)
    server.control().reset(workers * operations);
    EXPECT_NO_THROW(run_all(threads, worker_tasks(server)));  // every wait is bounded by the clients' timeout
    EXPECT_EQ(verify_server_state(server.control(), workers, operations, Mix::write), workers * operations);
    EXPECT_NO_THROW(server.stop());
}

// utime + stime of a process, in seconds.
double cpu_seconds_of(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    const std::string line((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    std::istringstream fields(line.substr(line.rfind(')') + 2));
    std::string field;
    unsigned long long user = 0, system = 0;
    for (int index = 3; fields >> field; ++index) {  // field 3 is the state
        if (index == 14) user = std::stoull(field);
        if (index == 15) {
            system = std::stoull(field);
            break;
        }
    }
    return static_cast<double>(user + system) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// Kills and reaps a forked child when the test ends, however it ends.
struct ReapOnExit {
    pid_t pid;
    ~ReapOnExit() {
        ::kill(pid, SIGKILL);  // a no-op once it has ended (it is not reaped before this)
        ::waitpid(pid, nullptr, 0);
    }
};

TEST(ManagerServerAccept, BacksOffWhileOutOfDescriptorsAndThenServes) {
    ServerConfig config{.socket_name = unique_socket_name(),
                        .parent = ::getpid(),
                        .key = AuthKey::generate(),
                        .workers = 1,
                        .list_capacity = 1};
    rlimit original{};
    ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &original), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        // Room for the listener and nothing more: every accept4 fails with EMFILE.
        const int lowest_free = ::dup(STDERR_FILENO);
        ::close(lowest_free);
        const rlimit limit{.rlim_cur = static_cast<rlim_t>(lowest_free) + 1, .rlim_max = original.rlim_max};
        if (lowest_free < 0 || ::setrlimit(RLIMIT_NOFILE, &limit) != 0) ::_exit(2);
        try {
            run_server(config);
        } catch (...) {
            ::_exit(1);
        }
        ::_exit(0);
    }
    ReapOnExit reaper{pid};
    RawClient waiting(config.socket_name);  // queued in the backlog: the server cannot take it yet
    ASSERT_TRUE(waiting.connected());
    const double cpu_before = cpu_seconds_of(pid);
    std::this_thread::sleep_for(1s);
    const double cpu_spent = cpu_seconds_of(pid) - cpu_before;
    EXPECT_LT(cpu_spent, 0.3) << "the server spun on the failing accept4 for " << cpu_spent << " s of CPU in 1 s";

    ASSERT_EQ(::prlimit(pid, RLIMIT_NOFILE, &original, nullptr), 0) << std::strerror(errno);
    waiting.send_hello(config.key);
    waiting.send_request(wire::op_get, 0);
    EXPECT_EQ(waiting.outcome(), Outcome::answered) << "the queued client was not served once descriptors were free";
    ManagerClient(config.socket_name, config.key).shutdown();
    ASSERT_TRUE(testing::ended_within(pid, 10s));
    siginfo_t info{};
    ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT);
    EXPECT_TRUE(info.si_code == CLD_EXITED && info.si_status == 0) << "exit code " << info.si_status;
}

std::size_t open_descriptors() {
    return static_cast<std::size_t>(
        std::distance(std::filesystem::directory_iterator("/proc/self/fd"), std::filesystem::directory_iterator()));
}

TEST(ManagerServerSetup, AFailedBindLeaksNoDescriptor) {
    const std::string name = unique_socket_name();
    const BoundSocket squatter(name);
    ASSERT_TRUE(squatter);
    const std::size_t before = open_descriptors();
    ServerConfig config{
        .socket_name = name, .parent = ::getpid(), .key = AuthKey::generate(), .workers = 1, .list_capacity = 1};
    EXPECT_THROW(run_server(config), std::system_error);  // EADDRINUSE
    EXPECT_EQ(open_descriptors(), before);
}

TEST(ManagerClientSetup, SendsTheKeyOnlyToAServerOfThisUser) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root, to run a squatting server as uid 65534";
    const std::string name = unique_socket_name();
    const auto pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {  // another user binds the name first and listens
        if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(2);
        const BoundSocket listener(name);
        if (!listener || ::listen(listener.get(), 8) != 0) ::_exit(3);
        ::pause();
        ::_exit(0);
    }
    // Only root, which this test runs as, may enter the other user's directory.
    try {
        ManagerClient client(name, AuthKey::generate(), 2000ms);
        ADD_FAILURE() << "the client connected to another user's server";
    } catch (const std::runtime_error& error) {
        EXPECT_NE(std::string(error.what()).find("not as this user"), std::string::npos) << error.what();
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    std::filesystem::remove_all(std::filesystem::path(name).parent_path());
}

// Another user could connect to an abstract socket (its name is public in
// /proc/net/unix) and flood the server; the socket's directory keeps them out
// before the server sees anything.
TEST(ManagerServerSetup, AnotherUserCannotConnectToTheServer) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root, to try as uid 65534";
    const Launcher launcher(Backend::fork);
    ServerSession server(launcher, 1, 1);
    const std::string path = server.config().socket_name;
    const auto outcome = testing::run_in_child(
        [&] {
            if (::setgid(65534) != 0 || ::setuid(65534) != 0) return 2;
            socklen_t length = 0;
            const sockaddr_un address = unix_socket_address(path, length);
            const UniqueFd stranger(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
            if (::connect(stranger.get(), reinterpret_cast<const sockaddr*>(&address), length) == 0) return 1;
            return errno == EACCES ? 0 : 3;
        },
        10s);
    ASSERT_TRUE(outcome.has_value());
    EXPECT_EQ(*outcome, 0) << "1: the other user connected; 2: could not change user; 3: another error";
    EXPECT_NO_THROW(server.stop());
}

}  // namespace
}  // namespace tvp::manager
