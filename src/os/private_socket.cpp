#include "os/private_socket.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "os/system_error.hpp"

namespace tvp {

namespace {

constexpr const char* socket_file = "/socket";

std::string directory_of(const std::string& socket_path) {
    return std::filesystem::path(socket_path).parent_path().string();
}

}  // namespace

std::string private_socket_path(const std::string& suite_name) { return "/tmp" + suite_name + socket_file; }

sockaddr_un unix_socket_address(const std::string& path, socklen_t& length) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.empty() || path.size() + 1 > sizeof address.sun_path)
        throw std::invalid_argument("bad socket path '" + path + "'");
    std::memcpy(address.sun_path, path.data(), path.size());
    length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
    return address;
}

PrivateListener::PrivateListener(const std::string& socket_path, int backlog) : path_(socket_path) {
    socklen_t length = 0;
    const sockaddr_un address = unix_socket_address(path_, length);
    const std::string directory = directory_of(path_);
    if (::mkdir(directory.c_str(), 0700) != 0) throw_errno("mkdir " + directory);
    try {
        socket_.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
        if (!socket_) throw_errno("socket");
        if (::bind(socket_.get(), reinterpret_cast<const sockaddr*>(&address), length) != 0)
            throw_errno("bind " + path_);
        if (::listen(socket_.get(), backlog) != 0) throw_errno("listen on " + path_);
    } catch (...) {
        ::unlink(path_.c_str());
        ::rmdir(directory.c_str());
        throw;
    }
}

PrivateListener::~PrivateListener() {
    socket_.reset();
    ::unlink(path_.c_str());
    ::rmdir(directory_of(path_).c_str());
}

void remove_private_socket(const std::string& suite_name) noexcept {
    const std::string path = private_socket_path(suite_name);
    ::unlink(path.c_str());
    ::rmdir(directory_of(path).c_str());
}

}  // namespace tvp
