// bench where the environment works against it: a full /dev/shm, closed
// standard streams, a stopped peer, a full disk. Each must end in an error a
// user can read (an error row, or one line and a non-zero exit), never in a
// crash, a hang or a results file that lies.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/property_tree/ptree.hpp>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "bench_runner.hpp"
#include "os/fd_io.hpp"
#include "ipc/message.hpp"
#include "ipc/peer_session.hpp"
#include "os/unique_fd.hpp"
#include "pool/pool.hpp"

namespace tvp {
namespace {

using testing::bench_path;
using testing::CommandResult;
using testing::run_shell;

// A scratch folder, removed with what it holds at the end of the test.
class ScratchFolder {
public:
    ScratchFolder()
        : path_(std::filesystem::temp_directory_path() /
                ("tvp-hostile-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++))) {
        std::filesystem::create_directories(path_);
    }
    ~ScratchFolder() { std::filesystem::remove_all(path_); }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    static inline int counter_ = 0;
    std::filesystem::path path_;
};

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// Whether `command` can run in a mount namespace of its own (root, and a
// kernel and sandbox that allow it): the tests below mount a tiny tmpfs there.
bool private_mounts_work() { return run_shell("unshare -m true 2>/dev/null").exit_code == 0; }

// A private mount: nobody else sees the tmpfs.
// `before_filling` (may be empty), then `inside`, run where `folder` is a full
// tmpfs of 64 KiB; `inside` prints what the test checks.
CommandResult run_with_full_tmpfs(const std::string& folder, const std::string& inside, int time_limit_seconds,
                                  const std::string& before_filling = "true") {
    const std::string script = "mount -t tmpfs -o size=64k tmpfs " + folder + " && " + before_filling +
                               " && (dd if=/dev/zero of=" + folder + "/filler bs=4k 2>/dev/null; true) && " + inside;
    return run_shell("timeout -k 5 " + std::to_string(time_limit_seconds) + " unshare -m sh -c '" + script + "' 2>&1");
}

std::size_t count_of(const std::string& text, const std::string& part) {
    std::size_t count = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++count;
    return count;
}

TEST(HostileEnvironment, AFullDevShmIsAnErrorRowPerBenchmarkNotACrash) {
    if (!private_mounts_work()) GTEST_SKIP() << "no private mount namespace here (needs root and unshare -m)";
    // One benchmark of each kind that makes a named segment: the ring, Boost's
    // queue, the Manager's shared store, the pool over the ring, isolation's slots.
    const std::string filter =
        "^(queue/fork/shm_ring/bytes:8/cpus:cross/wait:spin/latency|queue/fork/bip_mq/bytes:8/cpus:cross/latency|"
        "manager/fork/store:shm/workers:1/mix:write|pool/fork/mechanism:shm_ring/wait:spin/workers:1/cpus:cross|"
        "isolation/fork/workers:4)";
    const CommandResult result = run_with_full_tmpfs(
        "/dev/shm", bench_path() + " --benchmark_filter=\"" + filter + "\" --benchmark_min_time=0.01", 120);
    EXPECT_EQ(result.exit_code, 0) << "bench must run on (135 is SIGBUS)\n" << result.output;
    EXPECT_EQ(count_of(result.output, "ERROR OCCURRED: 'no space in /dev/shm for "), 5u) << result.output;
}

TEST(HostileEnvironment, AClosedStdinLeavesTheJanitorWatchingBench) {
    // With 0 closed, bench's pidfd for its janitor took number 0, which the
    // janitor replaces with /dev/null: it took bench for ended and removed the
    // pool's ring while the pool used it.
    const CommandResult result =
        run_shell("timeout -k 5 120 " + bench_path() +
                  " --benchmark_filter='^pool/fork/mechanism:shm_ring/wait:spin/workers:1/cpus:cross'"
                  " 2>&1 <&-");
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_EQ(result.output.find("ERROR OCCURRED"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("verified=1000"), std::string::npos) << result.output;
}

// Runs the chapter's kernel with its JSON written to a file while `closed` (a
// shell redirection such as ">&-") closes a standard stream; returns the file.
std::string results_with_a_closed_stream(const ScratchFolder& folder, const std::string& closed) {
    const std::string out = folder.file("results.json");
    const CommandResult result =
        run_shell("timeout -k 5 60 " + bench_path() +
                  " --benchmark_filter='^sumsq_kernel/fast/n:10000$' --benchmark_out_format=json"
                  " --benchmark_out=" +
                  out + " " + closed);
    EXPECT_EQ(result.exit_code, 0) << closed;
    return read_file(out);
}

TEST(HostileEnvironment, AClosedStdoutKeepsTheConsoleTableOutOfTheResultsFile) {
    const ScratchFolder folder;
    const std::string json = results_with_a_closed_stream(folder, ">&- 2>/dev/null");
    EXPECT_EQ(json.find("-----"), std::string::npos) << "the console table went into the JSON:\n" << json;
    EXPECT_NO_THROW(testing::read_results(folder.file("results.json"))) << json;
}

TEST(HostileEnvironment, AClosedStderrKeepsTheContextLinesOutOfTheResultsFile) {
    const ScratchFolder folder;
    const std::string json = results_with_a_closed_stream(folder, ">/dev/null 2>&-");
    EXPECT_EQ(json.find("tvp_build_type: "), std::string::npos) << "the context lines went into the JSON:\n" << json;
    EXPECT_NO_THROW(testing::read_results(folder.file("results.json"))) << json;
}

TEST(HostileEnvironment, AFullDiskIsOneLineAndANonZeroExitAndLeavesTheOldResults) {
    if (!private_mounts_work()) GTEST_SKIP() << "no private mount namespace here (needs root and unshare -m)";
    const ScratchFolder folder;
    const std::string disk = folder.file("disk");
    std::filesystem::create_directories(disk);
    // The earlier results are written before the disk fills; the listing and the
    // file's text are printed from inside the namespace, where the tmpfs is seen.
    const CommandResult result =
        run_with_full_tmpfs(disk,
                            bench_path() + " --benchmark_filter=^sumsq_kernel/fast/n:10000$ --benchmark_out=" + disk +
                                "/r.json >/dev/null; echo exit=$?; ls -A " + disk + "; cat " + disk + "/r.json",
                            60, "echo earlier > " + disk + "/r.json");
    EXPECT_NE(result.output.find("bench: the results were not written to " + disk + "/r.json ("), std::string::npos)
        << result.output;
    EXPECT_NE(result.output.find("No space left on device)\nexit=1\nfiller\nr.json\nearlier\n"), std::string::npos)
        << "exit 1, no temporary file left, the earlier results kept:\n"
        << result.output;
}

TEST(HostileEnvironment, AReadFromASilentPeerGivesUpAfterItsPatience) {
    FdPair pipe = make_pipe();  // the write end stays open: a peer that lives but never writes
    char byte = 0;
    const auto start = std::chrono::steady_clock::now();
    try {
        read_exact(pipe.first.get(), &byte, 1, std::chrono::milliseconds(200));
        FAIL() << "read_exact returned from a silent peer";
    } catch (const std::runtime_error& error) {
        EXPECT_NE(std::string(error.what()).find("read: the peer made no progress in 200 ms"), std::string::npos)
            << error.what();
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_GE(seconds, 0.19);
    EXPECT_LT(seconds, 5.0);
}

TEST(HostileEnvironment, AWriteToAPeerThatDoesNotReadGivesUpAfterItsPatience) {
    FdPair pipe = make_pipe();           // nobody reads: the pipe fills, then the write must give up
    set_nonblocking(pipe.second.get());  // as FdEndpoint's are
    const std::vector<char> block(1 << 20);
    try {
        write_all(pipe.second.get(), block.data(), block.size(), false, std::chrono::milliseconds(200));
        FAIL() << "write_all returned though nobody read 1 MiB";
    } catch (const std::runtime_error& error) {
        EXPECT_NE(std::string(error.what()).find("write: the peer made no progress in 200 ms"), std::string::npos)
            << error.what();
    }
}

// A stopped peer keeps its end of the link open, so no end-of-file ever comes:
// the wait must give up after its patience (20 s), naming what it waited for.
std::string error_when_stopped(pid_t peer, const std::function<void()>& wait_on_peer) {
    ::kill(peer, SIGSTOP);
    const auto start = std::chrono::steady_clock::now();
    std::string error = "no error";
    try {
        wait_on_peer();
    } catch (const std::exception& caught) {
        error = caught.what();
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ::kill(peer, SIGCONT);
    EXPECT_GE(seconds, give_up_after_seconds - 1.0);
    EXPECT_LT(seconds, give_up_after_seconds + 10.0);
    return error;
}

TEST(HostileEnvironment, AStoppedPipePeerIsAnErrorAfterItsPatienceNotAHang) {
    ipc::PeerSession session({.backend = Backend::fork,
                              .mechanism = ipc::Mechanism::pipe,
                              .peer = {.role = ipc::PeerRole::echo, .payload_bytes = 8, .ack_every = 1, .cpu = -1}});
    ipc::MessageWriter writer(8);
    const std::string error = error_when_stopped(*session.peer_pid(), [&] {
        session.endpoint().send(writer.next(0));
        session.endpoint().receive();
    });
    EXPECT_NE(error.find("read: the peer made no progress in 20000 ms"), std::string::npos) << error;
}

TEST(HostileEnvironment, AStoppedPoolWorkerIsReportedAndReplacedNotAHang) {
    pool::Pool workers({.backend = Backend::fork, .mechanism = ipc::Mechanism::pipe, .workers = 2});
    const std::string error = error_when_stopped(*workers.worker_pid(1), [&] {
        workers.run(1, {pool::TaskKind::sumsq, {0, 1000}});
    });
    EXPECT_NE(error.find("the peer made no progress in 20000 ms"), std::string::npos) << error;
    EXPECT_EQ(workers.replaced(), 1u);
    EXPECT_EQ(workers.run(1, {pool::TaskKind::sumsq, {0, 3}}).value, 5u);  // 0 + 1 + 4, by the replacement
}

// A container's seccomp policy may deny clone3 (EPERM, not ENOSYS, so glibc's
// posix_spawn does not fall back to clone): bench must name that cause, not
// blame the worker program for a handshake it never got to answer.
TEST(HostileEnvironment, AProcessCreationDeniedBySeccompIsNamedAsSuch) {
    const ScratchFolder folder;
    const std::string output = folder.file("output.txt");
    const pid_t bench = ::fork();
    ASSERT_GE(bench, 0);
    if (bench == 0) {
        const int sink = ::open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(sink, STDOUT_FILENO);
        ::dup2(sink, STDERR_FILENO);
        sock_filter deny_clone3[] = {
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone3, 0, 1),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        };
        const sock_fprog program{.len = std::size(deny_clone3), .filter = deny_clone3};
        if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
            ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0)
            ::_exit(126);
        const std::string path = bench_path();
        ::execl(path.c_str(), path.c_str(), "--benchmark_filter=^create/posix_spawn/workers:1/parent_mib:0/",
                static_cast<char*>(nullptr));
        ::_exit(127);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(bench, &status, 0), bench);
    const std::string text = read_file(output);
    ASSERT_TRUE(WIFEXITED(status)) << text;
    if (WEXITSTATUS(status) == 126) GTEST_SKIP() << "no seccomp filter could be installed here";
    EXPECT_EQ(WEXITSTATUS(status), 2) << text;
    EXPECT_NE(text.find("could not be started: posix_spawn: Operation not permitted (a security policy"),
              std::string::npos)
        << text;
    EXPECT_EQ(text.find("handshake"), std::string::npos) << text;
}

}  // namespace
}  // namespace tvp
