#include "launch/worker_visible_memory.hpp"

namespace tvp {

SharedMemory memory_visible_to_workers(Backend backend, std::size_t bytes) {
    return runs_worker_executable(backend) ? SharedMemory::create_named(bytes) : SharedMemory::create_anonymous(bytes);
}

}  // namespace tvp
