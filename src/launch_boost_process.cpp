#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/exe.hpp>

#include "launch_backends.hpp"

namespace tvp::detail {

namespace {

class BoostProcessWorker : public RunningWorker {
public:
    explicit BoostProcessWorker(boost::process::child child) : child_(std::move(child)) {}
    ~BoostProcessWorker() override {
        // An abandoned child is killed and reaped (terminate() does both).
        std::error_code ignored;
        if (child_.valid() && child_.running(ignored)) child_.terminate(ignored);
    }
    ExitStatus join() override {
        child_.wait();
        return ExitStatus::from_wait_status(child_.native_exit_code());
    }

private:
    boost::process::child child_;
};

}  // namespace

std::unique_ptr<RunningWorker> start_boost_process(const std::filesystem::path& executable, const Task& task) {
    std::vector<std::string> words = worker_command_line(executable, task);
    std::vector<std::string> args(words.begin() + 1, words.end());
    std::error_code error;
    boost::process::child child(boost::process::exe = executable.string(), boost::process::args = args, error);
    if (error) throw std::system_error(error, "boost::process::child " + executable.string());
    return std::make_unique<BoostProcessWorker>(std::move(child));
}

}  // namespace tvp::detail
