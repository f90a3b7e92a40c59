#include "launch/launcher.hpp"

#include <cstdlib>
#include <stdexcept>

#include "launch/launch_backends.hpp"
#include "task/task_registry.hpp"

namespace tvp {

namespace {
std::filesystem::path& configured_worker_executable() {
    static std::filesystem::path program;
    return program;
}
}  // namespace

void set_default_worker_executable(std::filesystem::path program) {
    configured_worker_executable() = std::move(program);
}

std::filesystem::path default_worker_executable() {
    if (!configured_worker_executable().empty()) return configured_worker_executable();
    if (const char* configured = std::getenv("TVP_WORKER"); configured && *configured) return configured;
    std::error_code error;
    auto self = std::filesystem::read_symlink("/proc/self/exe", error);
    if (error) return "tvp_worker";
    return self.parent_path() / "tvp_worker";
}

Launcher::Launcher(Backend backend, std::filesystem::path worker_executable)
    : backend_(backend),
      worker_executable_(worker_executable.empty() ? default_worker_executable() : std::move(worker_executable)) {}

std::unique_ptr<RunningWorker> Launcher::start(const Task& task) const {
    switch (backend_) {
#define TVP_BACKEND_CASE(name, space, pipe, by_default, raw, description) \
    case Backend::name: return detail::start_##name(worker_executable_, task);
        TVP_BACKENDS(TVP_BACKEND_CASE)
#undef TVP_BACKEND_CASE
    }
    throw std::invalid_argument("Launcher: unknown back-end");
}

namespace detail {

std::function<int()> in_process_entry(const Task& task) {
    if (task.function) return task.function;
    TaskFunction registered = find_task(task.name);
    if (registered == nullptr) throw std::invalid_argument("unknown task '" + task.name + "'");
    return [registered, args = task.args] { return registered(args); };
}

std::vector<std::string> worker_command_line(const std::filesystem::path& executable, const Task& task) {
    if (task.name.empty())
        throw std::invalid_argument("the spawned back-ends run a named task, and this task has no name");
    std::vector<std::string> words{executable.string(), task.name};
    words.insert(words.end(), task.args.begin(), task.args.end());
    return words;
}

}  // namespace detail
}  // namespace tvp

namespace tvp {

void require_exit_code(std::span<const ExitStatus> statuses, int code) {
    for (std::size_t i = 0; i < statuses.size(); ++i)
        if (statuses[i] != ExitStatus::exited(code))
            throw std::runtime_error("worker " + std::to_string(i + 1) + " of " + std::to_string(statuses.size()) +
                                     " " + statuses[i].describe() + (code == 0 ? "" : ", not " + std::to_string(code)));
}

void require_success(std::span<const ExitStatus> statuses) { require_exit_code(statuses, 0); }

std::vector<ExitStatus> join_all(std::span<const std::unique_ptr<RunningWorker>> running) {
    std::vector<ExitStatus> statuses;
    statuses.reserve(running.size());
    for (const auto& worker : running) statuses.push_back(worker->join());
    return statuses;
}

void run_all(const Launcher& launcher, std::span<const Task> tasks, int expected_exit_code) {
    std::vector<std::unique_ptr<RunningWorker>> running;
    running.reserve(tasks.size());
    for (const Task& task : tasks) running.push_back(launcher.start(task));
    require_exit_code(join_all(running), expected_exit_code);
}

}  // namespace tvp
