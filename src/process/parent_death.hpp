#pragma once
// Children that end with their parent: a peer or worker of a bench killed by a
// signal would otherwise run on (a spinning one burning a CPU) until its own
// no-progress timeout, tens of seconds later.
//
// The child asks for SIGKILL on its parent's death (PR_SET_PDEATHSIG) and then
// checks that its parent is still the one it expects: the parent may have died
// before the request, and then nothing would ever come.
//
// PR_SET_PDEATHSIG fires when the parent *thread* that made the child ends, not
// the parent process. Every fork and spawn in the suite is made by bench's main
// thread (Google Benchmark runs a benchmark without ->Threads(), and the suite
// registers none, on the thread that called RunSpecifiedBenchmarks), so the two
// end together. A child made by a thread that ends before it would be killed
// then: start process workers from the main thread only. The janitor
// (segment_janitor.hpp) must outlive bench and does not use this.
#include <sys/types.h>

#include <string>
#include <vector>

namespace tvp {

// fork(), whose child is killed when the calling thread ends. In the child it
// returns 0 only while the parent still runs; returns as fork() does otherwise.
pid_t fork_dying_with_parent() noexcept;

// The environment variable through which the spawned back-ends name the parent.
inline constexpr const char* parent_pid_variable = "TVP_PARENT_PID";

// This process's environment for a spawned child (posix_spawn's envp): every
// variable but an inherited TVP_PARENT_PID, and TVP_PARENT_PID naming this
// process. Valid while this object and the process's environment are unchanged.
class ChildEnvironment {
public:
    ChildEnvironment();
    ChildEnvironment(const ChildEnvironment&) = delete;
    ChildEnvironment& operator=(const ChildEnvironment&) = delete;
    char** get() { return variables_.data(); }

private:
    std::string assignment_;
    std::vector<char*> variables_;
};

// In a spawned child, first thing: dies with the parent named in
// TVP_PARENT_PID, at once if that parent is gone already. Without the variable
// (started by hand), it does nothing.
void die_with_parent_named_in_environment() noexcept;

}  // namespace tvp
