#include <unistd.h>

// Boost 1.74 compiles its vfork path (boost::process::posix::use_vfork) only
// when the feature macros name X/Open 500 without POSIX 2008
// (boost/process/detail/config.hpp), never under glibc's defaults: use_vfork
// then fails to link. glibc has vfork(), so the path is enabled here; only this
// file uses use_vfork, so only it instantiates that path.
#ifndef BOOST_POSIX_HAS_VFORK
#define BOOST_POSIX_HAS_VFORK 1
#endif

#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/env.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>
#include <boost/process/posix.hpp>

#include "launch/launch_backends.hpp"
#include "process/parent_death.hpp"

// Boost.Process 1.74 leaves zombies in two places, both worked around here:
// - when exec fails it returns an empty child without reaping the forked one;
//   the on_error handler below reaps it (it ends right after reporting errno);
// - child::terminate() kills with SIGKILL but reaps with WNOHANG, which loses
//   the race with the dying child; the destructor below reaps with a blocking wait.

namespace tvp::detail {

namespace {

class BoostProcessWorker : public RunningWorker {
public:
    explicit BoostProcessWorker(boost::process::child child) : child_(std::move(child)) {}
    ~BoostProcessWorker() override {
        if (joined_ || !child_.valid()) return;
        std::error_code error;
        // running() reaps a child that has already ended; one still running is
        // killed and reaped by ChildProcess, and Boost is told to leave it alone.
        if (child_.running(error)) ChildProcess(child_.id()).kill_and_reap();
        child_.detach();
    }
    std::optional<pid_t> pid() const override { return child_.id(); }
    ExitStatus join() override {
        child_.wait();
        joined_ = true;
        return ExitStatus::from_wait_status(child_.native_exit_code());
    }

private:
    boost::process::child child_;
    bool joined_ = false;
};

// Reaps the forked child of a failed exec (see above).
struct ReapChildOnError {
    template <class Executor>
    void operator()(Executor& executor, const std::error_code&) const {
        if (executor.pid > 0) ChildProcess{executor.pid}.kill_and_reap();  // reaps; the child has ended or is ending
    }
};

// `properties`: more of Boost.Process's properties for the child (use_vfork).
template <class... Properties>
std::unique_ptr<RunningWorker> start_boost(const std::filesystem::path& executable, const Task& task,
                                           const Properties&... properties) {
    std::vector<std::string> words = worker_command_line(executable, task);
    std::vector<std::string> args(words.begin() + 1, words.end());
    std::error_code error;
    // TVP_PARENT_PID: the child asks to die with this process (parent_death.hpp).
    boost::process::child child(boost::process::exe = executable.string(), boost::process::args = args,
                                boost::process::env[parent_pid_variable] = std::to_string(::getpid()),
                                boost::process::extend::on_error = ReapChildOnError{}, properties..., error);
    if (error) throw std::system_error(error, "boost::process::child " + executable.string());
    return std::make_unique<BoostProcessWorker>(std::move(child));
}

}  // namespace

std::unique_ptr<RunningWorker> start_boost_process(const std::filesystem::path& executable, const Task& task) {
    return start_boost(executable, task);
}

// Boost 1.74 then vfork()s instead of fork()ing; a failed exec's errno reaches
// the parent through the shared memory instead of a pipe.
std::unique_ptr<RunningWorker> start_boost_process_vfork(const std::filesystem::path& executable, const Task& task) {
    return start_boost(executable, task, boost::process::posix::use_vfork);
}

}  // namespace tvp::detail
