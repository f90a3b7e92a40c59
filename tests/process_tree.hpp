#pragma once
// For tests that kill a process and check what it leaves: this test process
// becomes the subreaper of what it starts, so that every descendant that
// outlives its parent comes back to it, to be seen and reaped; and the names
// a process leaves in /dev/shm and /dev/mqueue.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace tvp::testing {

// While it lives, the orphaned descendants of this process become its children.
class Subreaper {
public:
    Subreaper() { ::prctl(PR_SET_CHILD_SUBREAPER, 1); }
    ~Subreaper() { ::prctl(PR_SET_CHILD_SUBREAPER, 0); }
    Subreaper(const Subreaper&) = delete;
    Subreaper& operator=(const Subreaper&) = delete;
};

// The parent pid and command name in /proc/<pid>/stat, if the process exists.
struct ProcessInfo {
    pid_t parent = 0;
    std::string command;
};
inline std::optional<ProcessInfo> process_info(pid_t pid) {
    std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    if (!std::getline(file, text)) return std::nullopt;
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
    const auto open = text.find('('), close = text.rfind(')');
    if (open == std::string::npos || close == std::string::npos) return std::nullopt;
    std::istringstream rest(text.substr(close + 1));
    char state = 0;
    ProcessInfo info;
    rest >> state >> info.parent;
    info.command = text.substr(open + 1, close - open - 1);
    return info;
}

inline std::vector<pid_t> children_of(pid_t parent) {
    std::vector<pid_t> children;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
        const std::string name = entry.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        const pid_t pid = std::stoi(name);
        if (auto info = process_info(pid); info && info->parent == parent) children.push_back(pid);
    }
    return children;
}

inline std::string describe(const std::vector<pid_t>& pids) {
    std::string text;
    for (pid_t pid : pids) {
        auto info = process_info(pid);
        text += std::to_string(pid) + " (" + (info ? info->command : "gone") + ") ";
    }
    return text;
}

// Reaps children (reparented descendants included) until none is left, for up
// to `within`. Returns the pids reaped; `all_gone` says whether none is left.
struct Reaped {
    std::vector<pid_t> pids;
    bool all_gone = false;
};
inline Reaped reap_children(std::chrono::milliseconds within) {
    Reaped reaped;
    const auto deadline = std::chrono::steady_clock::now() + within;
    while (true) {
        const pid_t pid = ::waitpid(-1, nullptr, WNOHANG);
        if (pid > 0) {
            reaped.pids.push_back(pid);
            continue;
        }
        if (pid < 0 && errno == ECHILD) {
            reaped.all_gone = true;
            return reaped;
        }
        if (std::chrono::steady_clock::now() > deadline) return reaped;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

// Clean-up after a failed check: SIGKILL to every child left, then reap them.
inline void kill_remaining_children() {
    for (pid_t pid : children_of(::getpid())) ::kill(pid, SIGKILL);
    reap_children(std::chrono::seconds(5));
}

// True once `condition` holds, polling every 2 ms for up to `within`.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds within) {
    const auto deadline = std::chrono::steady_clock::now() + within;
    while (!condition()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
}

constexpr const char* mqueue_directory = "/dev/mqueue";

// Whether /dev/mqueue shows the message queues. As root, mounts it if absent
// and leaves it mounted (the usual state, and another test may be reading it);
// otherwise the reason it cannot be checked.
inline std::optional<std::string> mqueue_unavailable() {
    constexpr long mqueue_magic = 0x19800202;
    struct statfs info {};
    if (::statfs(mqueue_directory, &info) == 0 && info.f_type == mqueue_magic) return std::nullopt;
    if (::geteuid() != 0)
        return std::string("/dev/mqueue is not mounted and only root may mount it (mount -t mqueue none /dev/mqueue)");
    ::mkdir(mqueue_directory, 01777);
    if (::mount("none", mqueue_directory, "mqueue", 0, nullptr) != 0 && errno != EBUSY)
        return std::string("cannot mount /dev/mqueue: ") + std::strerror(errno);
    if (::statfs(mqueue_directory, &info) == 0 && info.f_type == mqueue_magic) return std::nullopt;
    return std::string("/dev/mqueue is not an mqueue file system");
}

// Names in /dev/shm and /dev/mqueue made by these processes ("tvp-<pid>-...").
inline std::vector<std::filesystem::path> names_of(const std::vector<pid_t>& pids) {
    std::vector<std::filesystem::path> found;
    for (const char* directory : {"/dev/shm", mqueue_directory}) {
        std::error_code error;
        for (const auto& entry : std::filesystem::directory_iterator(directory, error))
            for (pid_t pid : pids)
                if (entry.path().filename().string().starts_with("tvp-" + std::to_string(pid) + "-"))
                    found.push_back(entry.path());
    }
    return found;
}

inline std::string describe(const std::vector<std::filesystem::path>& paths) {
    std::string text;
    for (const auto& path : paths) text += path.string() + " ";
    return text;
}

}  // namespace tvp::testing
