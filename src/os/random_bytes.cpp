#include "os/random_bytes.hpp"

#include <sys/random.h>

#include <cerrno>

#include "os/system_error.hpp"

namespace tvp {

void fill_random(std::span<unsigned char> bytes) {
    for (std::size_t done = 0; done < bytes.size();) {
        const ssize_t got = ::getrandom(bytes.data() + done, bytes.size() - done, 0);
        if (got > 0) done += static_cast<std::size_t>(got);
        else if (got < 0 && errno != EINTR) throw_errno("getrandom");
    }
}

}  // namespace tvp
