#pragma once
// The secret a manager server asks of every client, as Python's Manager asks
// for its authkey: 32 bytes from getrandom(2), compared in constant time.
//
// How workers get it: never on a command line (/proc/<pid>/cmdline is readable
// by every user). A forked or threaded worker has it in memory already. A
// spawned worker inherits a sealed memfd holding it and gets only the
// descriptor's number on its command line; only the owner (and root) can open
// /proc/<pid>/fd/<n>, which is the same circle that could read the worker's
// memory anyway. We chose a descriptor over an environment variable because
// setenv() changes process-wide state that is not thread-safe and would pass
// the key to every later child of bench until someone unsets it, while the
// descriptor has one owner (KeyFile) and is closed when the benchmark ends.
#include <array>
#include <cstddef>
#include <span>

#include "os/unique_fd.hpp"

namespace tvp::manager {

class AuthKey {
public:
    static constexpr std::size_t size = 32;

    static AuthKey generate();  // getrandom(2); throws std::system_error
    static AuthKey from_bytes(std::span<const unsigned char, size> bytes);

    std::span<const unsigned char, size> bytes() const { return bytes_; }
    // Constant time: how many leading bytes match is not observable.
    bool matches(std::span<const unsigned char, size> other) const;

private:
    std::array<unsigned char, size> bytes_{};
};

// A sealed memfd holding a key, inheritable across exec (FD_CLOEXEC cleared)
// for as long as this owner lives.
class KeyFile {
public:
    explicit KeyFile(const AuthKey& key);
    int fd() const { return fd_.get(); }

    // In a spawned worker: the key in the inherited descriptor `fd`. The
    // descriptor is left open: a thread running the named task in-process would
    // otherwise close its parent's copy.
    static AuthKey read(int fd);

private:
    UniqueFd fd_;
};

}  // namespace tvp::manager
