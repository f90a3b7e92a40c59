#include "manager/server_session.hpp"

#include <unistd.h>

#include <stdexcept>

#include "task/typed_task.hpp"
#include "manager/store_task.hpp"

namespace tvp::manager {

ServerSession::ServerSession(const Launcher& launcher, unsigned workers, std::uint64_t list_capacity)
    : backend_(launcher.backend()), spawned_(runs_worker_executable(backend_)) {
    config_.socket_name = unique_socket_name();
    config_.parent = ::getpid();
    config_.key = AuthKey::generate();
    config_.workers = workers;
    config_.list_capacity = list_capacity;
    if (spawned_) key_file_.emplace(config_.key);
    server_ = launcher.start(make_task(ServerTask{.config = config_, .key_fd = key_fd()}, backend_));
    control_ = std::make_unique<ManagerClient>(config_.socket_name, config_.key);
}

ServerSession::~ServerSession() {
    if (!server_) return;
    auto shut_down = [this] {
        try {
            control_->shutdown();
            return true;
        } catch (const std::exception&) {
            return false;
        }
    };
    try {
        // The control connection may be gone (the server cut it off): one fresh try.
        if (!shut_down()) {
            control_ = std::make_unique<ManagerClient>(config_.socket_name, config_.key);
            shut_down();
        }
        server_->join();
    } catch (const std::exception&) {
        // Unreachable: a server process is killed and reaped by its handle.
    }
}

Task ServerSession::worker_task(unsigned worker, std::uint64_t operations, Mix mix) {
    return store_worker_task(*this, backend_, worker, operations, mix);
}

void ServerSession::reset(unsigned workers, std::uint64_t operations, Mix mix) {
    control().reset(total_appends(workers, operations, mix));
}

void ServerSession::run_worker(unsigned worker, std::uint64_t operations, Mix mix) {
    ManagerClient client(config_.socket_name, config_.key);
    client.run_worker(worker, operations, mix);
}

Task ServerSession::spawned_worker(unsigned worker, std::uint64_t operations, Mix mix) const {
    if (!key_file_)
        throw std::logic_error("a manager server started in this process has no key file for a spawned worker");
    return named_task(ClientTask{.socket_name = config_.socket_name,
                                 .key_fd = key_fd(),
                                 .worker = worker,
                                 .operations = operations,
                                 .mix = mix});
}

std::uint64_t ServerSession::verify(unsigned workers, std::uint64_t operations, Mix mix) {
    return verify_server_state(control(), workers, operations, mix);
}

void ServerSession::stop() {
    control_->shutdown();
    const ExitStatus status = std::exchange(server_, nullptr)->join();
    if (!status.success()) throw std::runtime_error("the manager server " + status.describe());
}

}  // namespace tvp::manager
