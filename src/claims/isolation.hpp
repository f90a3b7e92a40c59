#pragma once
// "Isolare parti del programma per maggiore stabilità": one of W workers
// crashes (abort()) in the middle of the work. With processes the parent lives
// on, learns the signal, keeps the other workers' results and replaces the
// crashed one; with threads the whole process dies, so the thread case runs in
// a forked sandbox, and all of its work must be redone.
#include <cstdint>
#include <string>

#include "backend.hpp"

namespace tvp::claims {

struct IsolationRun {
    std::string crash;                 // how the crashed worker (or the thread sandbox) ended
    unsigned survivors = 0;            // workers whose results survived the crash
    double detect_seconds = 0;         // start until every worker was joined and the crash seen
    double replace_seconds = 0;        // redoing the lost work until the sum is complete
    bool sum_correct = false;          // the final sum equals the closed form
};

// The sum of squares below n on `workers` workers, one of which aborts.
IsolationRun crash_one_worker(Backend backend, unsigned workers, std::uint64_t n);

}  // namespace tvp::claims
