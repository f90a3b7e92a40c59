#include "os/standard_streams.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace tvp {

bool open_closed_standard_streams() noexcept {
    for (int stream = 0; stream <= 2; ++stream) {
        if (::fcntl(stream, F_GETFD) >= 0 || errno != EBADF) continue;
        // open() returns the lowest free number: this one, since the lower ones are open.
        const int opened = ::open("/dev/null", O_RDWR);
        if (opened != stream) return false;
    }
    return true;
}

}  // namespace tvp
