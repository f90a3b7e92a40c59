#include "manager/auth_key.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>
#include <string>

#include "os/fd_io.hpp"
#include "os/random_bytes.hpp"
#include "os/system_error.hpp"

namespace tvp::manager {

AuthKey AuthKey::generate() {
    AuthKey key;
    fill_random(key.bytes_);
    return key;
}

AuthKey AuthKey::from_bytes(std::span<const unsigned char, size> bytes) {
    AuthKey key;
    std::copy(bytes.begin(), bytes.end(), key.bytes_.begin());
    return key;
}

bool AuthKey::matches(std::span<const unsigned char, size> other) const {
    // Accumulate every difference, never stop early (what CRYPTO_memcmp does).
    volatile unsigned char difference = 0;
    for (std::size_t i = 0; i < size; ++i) difference = difference | (bytes_[i] ^ other[i]);
    return difference == 0;
}

KeyFile::KeyFile(const AuthKey& key) {
    fd_.reset(::memfd_create("tvp-manager-key", MFD_CLOEXEC | MFD_ALLOW_SEALING));
    if (!fd_) throw_errno("memfd_create");
    write_all(fd_.get(), key.bytes().data(), AuthKey::size, false);
    // Sealed: a worker can read the key, never change it.
    if (::fcntl(fd_.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0)
        throw_errno("fcntl F_ADD_SEALS");
    allow_inheritance(fd_.get());
}

AuthKey KeyFile::read(int fd) {
    std::array<unsigned char, AuthKey::size> bytes{};
    ssize_t got;
    do got = ::pread(fd, bytes.data(), bytes.size(), 0);
    while (got < 0 && errno == EINTR);
    if (got < 0) throw_errno("read the manager key from descriptor " + std::to_string(fd));
    if (static_cast<std::size_t>(got) != bytes.size())
        throw std::runtime_error("descriptor " + std::to_string(fd) + " holds no manager key");
    return AuthKey::from_bytes(bytes);
}

}  // namespace tvp::manager
