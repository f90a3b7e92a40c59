#pragma once
// A Unix socket only this user can reach: it lives in a directory of its own,
// mode 0700, so another user's connect() fails with EACCES in the kernel (an
// abstract socket's name is public in /proc/net/unix, and anyone may connect
// to it, or flood it). The directory is "/tmp<name>" for a suite name
// ("/tvp-<pid>-<random>", segment_janitor.hpp), the socket "socket" in it, so
// that the janitor can remove both should their owner die.
#include <string>
#include <sys/socket.h>
#include <sys/un.h>

#include "os/unique_fd.hpp"

namespace tvp {

// "/tmp/tvp-<pid>-<random>/socket" for the suite name "/tvp-<pid>-<random>".
std::string private_socket_path(const std::string& suite_name);

// The address of a socket path; throws std::invalid_argument when it is too long.
sockaddr_un unix_socket_address(const std::string& path, socklen_t& length);

// Makes the socket's directory (mode 0700; an existing one is an error: it is
// not ours), binds a non-blocking listening socket in it, and removes both
// when it goes.
class PrivateListener {
public:
    PrivateListener(const std::string& socket_path, int backlog);
    PrivateListener(const PrivateListener&) = delete;
    PrivateListener& operator=(const PrivateListener&) = delete;
    ~PrivateListener();
    int get() const { return socket_.get(); }

private:
    std::string path_;
    UniqueFd socket_;
};

// Removes what private_socket_path(suite_name) names, and its directory (no
// error if they are gone): for the janitor.
void remove_private_socket(const std::string& suite_name) noexcept;

}  // namespace tvp
