#include "memory/copy_on_write.hpp"

#include <unistd.h>

#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>

#include "os/fd_io.hpp"
#include "process/child_process.hpp"
#include "os/forked_child.hpp"
#include "process/parent_death.hpp"
#include "os/system_error.hpp"
#include "os/unique_fd.hpp"

namespace tvp {

namespace {

constexpr std::size_t page_bytes = 4096;

// A forked side's exit codes (anything else: it failed in some other way).
constexpr int exit_own_writes_lost = 3;  // the writer's writes did not read back
constexpr int exit_saw_other_side = 4;   // the child saw the parent's writes

std::uint64_t* word(std::span<std::byte> memory, std::size_t page) {
    return reinterpret_cast<std::uint64_t*>(memory.data() + page * page_bytes);
}

// Writes the pattern and returns the seconds it took.
double timed_write(std::span<std::byte> memory, std::uint64_t value) {
    const auto start = std::chrono::steady_clock::now();
    write_pattern(memory, value);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string page_text(std::size_t page) { return "page " + std::to_string(page); }

void require_reads_back(std::span<const std::byte> memory, std::uint64_t value, const std::string& who) {
    if (auto page = first_page_without(memory, value))
        throw std::runtime_error("copy-on-write check failed: " + who + "'s writes do not read back (" +
                                 page_text(*page) + ")");
}

void require_child_success(ChildProcess& child, const std::string& role) {
    const ExitStatus status = child.wait();
    if (status == ExitStatus::exited(exit_own_writes_lost))
        throw std::runtime_error("copy-on-write check failed: the child's writes do not read back in the child");
    if (status == ExitStatus::exited(exit_saw_other_side))
        throw std::runtime_error("copy-on-write check failed: the child sees the parent's writes");
    if (!status.success()) throw std::runtime_error("the " + role + " child " + status.describe());
}

PageWrites child_writes(std::span<std::byte> memory, std::uint64_t pattern) {
    FdPair report = make_pipe();                 // the child's seconds, to the parent
    const pid_t pid = fork_dying_with_parent();  // an orphaned writer dies with bench
    if (pid < 0) throw_errno("fork");
    if (pid == 0) {
        run_forked_child(
            [&] {
                const double seconds = timed_write(memory, pattern + 1);
                if (first_page_without(memory, pattern + 1)) return exit_own_writes_lost;
                write_all(report.second.get(), &seconds, sizeof seconds, false);
                return 0;
            },
            "copy-on-write writer");
    }
    ChildProcess child(pid);
    report.second.reset();
    double seconds = 0;
    const bool reported = read_exact(report.first.get(), &seconds, sizeof seconds);
    require_child_success(child, "writing");
    if (!reported) throw std::runtime_error("the writing child exited without reporting its time");
    if (auto page = first_page_without(memory, pattern))
        throw std::runtime_error("copy-on-write check failed: the parent sees the child's writes (" + page_text(*page) +
                                 ")");
    return {seconds, pattern};
}

PageWrites parent_writes(std::span<std::byte> memory, std::uint64_t pattern) {
    FdPair release = make_pipe();                // closed by the parent once it has written: the child then checks
    const pid_t pid = fork_dying_with_parent();  // an orphaned writer dies with bench
    if (pid < 0) throw_errno("fork");
    if (pid == 0) {
        run_forked_child(
            [&] {
                release.second.reset();
                char byte = 0;
                read_exact(release.first.get(), &byte, 1);  // end of file: the parent has written
                return first_page_without(memory, pattern) ? exit_saw_other_side : 0;
            },
            "copy-on-write holder");
    }
    ChildProcess child(pid);
    release.first.reset();
    const double seconds = timed_write(memory, pattern + 1);
    release.second.reset();
    require_child_success(child, "holding");
    require_reads_back(memory, pattern + 1, "the parent");
    return {seconds, pattern + 1};
}

PageWrites thread_writes(std::span<std::byte> memory, std::uint64_t pattern) {
    double seconds = 0;
    std::thread writer([&] { seconds = timed_write(memory, pattern + 1); });
    writer.join();
    require_reads_back(memory, pattern + 1, "the thread");  // threads share the memory: no copy
    return {seconds, pattern + 1};
}

}  // namespace

void write_pattern(std::span<std::byte> memory, std::uint64_t value) noexcept {
    const std::size_t pages = memory.size() / page_bytes;
    for (std::size_t page = 0; page < pages; ++page) *static_cast<volatile std::uint64_t*>(word(memory, page)) = value;
}

std::optional<std::size_t> first_page_without(std::span<const std::byte> memory, std::uint64_t value) noexcept {
    const std::size_t pages = memory.size() / page_bytes;
    for (std::size_t page = 0; page < pages; ++page) {
        std::uint64_t held = 0;
        std::memcpy(&held, memory.data() + page * page_bytes, sizeof held);
        if (held != value) return page;
    }
    return std::nullopt;
}

PageWrites time_page_writes(std::span<std::byte> memory, std::uint64_t pattern, PageWriter writer) {
    if (memory.size() < page_bytes || memory.size() % page_bytes != 0)
        throw std::invalid_argument("copy-on-write needs whole 4 KiB pages, not " + std::to_string(memory.size()) +
                                    " bytes");
    if (auto page = first_page_without(memory, pattern))
        throw std::invalid_argument("the memory does not hold pattern " + std::to_string(pattern) + " (" +
                                    page_text(*page) + ")");
    switch (writer) {
        case PageWriter::forked_child: return child_writes(memory, pattern);
        case PageWriter::parent: return parent_writes(memory, pattern);
        case PageWriter::thread: return thread_writes(memory, pattern);
    }
    throw std::invalid_argument("unknown page writer");
}

}  // namespace tvp
