#pragma once
// What threads add to memory, measured where only they can move it: each
// thread's stack is a private mapping of its own (glibc puts the thread's
// control block and static TLS at its top), which no other process maps. The
// whole process's Rss and Pss, read before and after, are not: a child that
// shares the process's pages (a forked worker, the janitor) changes its Pss
// between the two reads, and the difference can be anything.
#include <cstdint>
#include <mutex>
#include <vector>

#include "memory/memory_probe.hpp"

namespace tvp {

class ThreadStacks {
public:
    // Called by each thread to be measured, while it runs; thread-safe.
    void record_this_thread();
    // The Rss and Pss of the mappings (in /proc/self/smaps) that hold a
    // recorded thread's stack, each mapping counted once.
    ProcessMemory resident() const;
    std::size_t recorded() const;

private:
    mutable std::mutex mutex_;
    std::vector<std::uintptr_t> addresses_;
};

}  // namespace tvp
