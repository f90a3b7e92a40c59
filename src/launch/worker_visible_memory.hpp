#pragma once
// Where memory must be placed so that a back-end's workers see it: anonymous
// MAP_SHARED memory for the back-ends whose workers share or copy this address
// space (a forked child inherits the mapping), a named segment for those that
// start a new program (which opens it by name).
#include <cstddef>

#include "process/backend.hpp"
#include "os/shared_memory.hpp"

namespace tvp {

SharedMemory memory_visible_to_workers(Backend backend, std::size_t bytes);

}  // namespace tvp
