#include <exception>
#include <thread>

#include "launch/launch_backends.hpp"

namespace tvp::detail {

namespace {

class ThreadWorker : public RunningWorker {
public:
    explicit ThreadWorker(std::function<int()> entry)
        : thread_([this, entry = std::move(entry)] {
              try {
                  exit_code_ = entry();
              } catch (...) {
                  error_ = std::current_exception();
              }
          }) {}
    ~ThreadWorker() override {
        if (thread_.joinable()) thread_.join();
    }
    ExitStatus join() override {
        thread_.join();
        if (error_) std::rethrow_exception(error_);
        return ExitStatus::exited(exit_code_);
    }

private:
    int exit_code_ = 0;
    std::exception_ptr error_;
    std::thread thread_;  // last: the thread starts once the members it writes exist
};

}  // namespace

std::unique_ptr<RunningWorker> start_thread(const std::filesystem::path&, const Task& task) {
    return std::make_unique<ThreadWorker>(in_process_entry(task));
}

}  // namespace tvp::detail
