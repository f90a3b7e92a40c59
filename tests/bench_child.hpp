#pragma once
// Runs bench as a child process that a test prepares first (signal state,
// uid, limits), with its output captured and its run bounded in time.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace tvp::testing {

struct BenchChild {
    int exit_code = -1;  // -1 unless it exited
    int signal = 0;      // the signal that ended it, if one did
    bool timed_out = false;
    std::string output;  // its stdout (stderr too when asked)
};

// `prepare` runs in the child between fork and exec; it returns false to give
// up (the child then exits with 126).
inline BenchChild run_bench_child(const std::vector<std::string>& arguments, const std::function<bool()>& prepare,
                                  std::chrono::seconds limit, bool with_stderr = true) {
    const std::string bench = (build_directory() / "bench").string();
    std::vector<char*> argv{const_cast<char*>(bench.c_str())};
    for (const std::string& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) != 0) return {};
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(ends[1], STDOUT_FILENO);
        if (with_stderr) ::dup2(ends[1], STDERR_FILENO);
        if (!prepare()) ::_exit(126);
        ::execv(bench.c_str(), argv.data());
        ::_exit(127);
    }
    ::close(ends[1]);
    BenchChild result;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            result.timed_out = true;
            ::kill(pid, SIGKILL);
            break;
        }
        pollfd readable{ends[0], POLLIN, 0};
        if (::poll(&readable, 1, static_cast<int>(left.count())) <= 0) continue;
        char buffer[4096];
        const ssize_t got = ::read(ends[0], buffer, sizeof buffer);
        if (got <= 0) break;
        result.output.append(buffer, static_cast<std::size_t>(got));
    }
    ::close(ends[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
    return result;
}

// How many top-level JSON values `text` holds, or -1 if it is not a sequence of
// whole objects (text outside them, unbalanced braces, an open string).
inline int count_json_documents(const std::string& text) {
    int documents = 0, depth = 0;
    bool in_string = false, escaped = false;
    for (char c : text) {
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
            continue;
        }
        if (depth == 0 && c != '{' && !std::isspace(static_cast<unsigned char>(c))) return -1;
        if (c == '"') in_string = true;
        else if (c == '{' || c == '[') ++depth;
        else if ((c == '}' || c == ']') && --depth == 0) ++documents;
        if (depth < 0) return -1;
    }
    return depth == 0 && !in_string ? documents : -1;
}

}  // namespace tvp::testing
