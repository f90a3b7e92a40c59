#pragma once
// "Isolare parti del programma per maggiore stabilità": one of W workers
// crashes (abort()) in the middle of the work. With processes the parent lives
// on, learns the signal, keeps the other workers' results and replaces the
// crashed one; with threads the whole process dies, so the thread case runs in
// a forked sandbox, and all of its work must be redone.
#include <cstdint>
#include <string>

#include "process/backend.hpp"
#include "launch/launcher.hpp"

namespace tvp {

struct IsolationRun {
    std::string crash;           // how the crashed worker (or the thread sandbox) ended
    unsigned survivors = 0;      // other workers whose results reached the parent
    double detect_seconds = 0;   // start until every worker was joined and the crash seen
    double replace_seconds = 0;  // redoing the lost work until the sum is complete
    bool sum_correct = false;    // the final sum equals the closed form
};

// How the one failing worker fails: by crashing (abort(), the scenario), or by
// returning exit code 1, a failure that takes nothing else down (for the tests:
// it shows that `survivors` counts what reached the parent).
enum class Failure { crash, exit_code };

// The sum of squares below n on `workers` workers, one of which fails. Throws
// if the work cannot be completed after it (for threads: the sandbox that
// redoes it failed, e.g. because a thread could not start).
IsolationRun crash_one_worker(const Launcher& launcher, unsigned workers, std::uint64_t n,
                              Failure failure = Failure::crash);

}  // namespace tvp
