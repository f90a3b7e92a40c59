#pragma once
// Private anonymous memory written page by page, so that it is resident and in
// the page tables: the "parent size" that makes fork() copy more page tables.
// 4 KiB pages (anonymous_memory.hpp has the other kinds).
#include <cstddef>

#include "os/anonymous_memory.hpp"

namespace tvp {

class TouchedMemory {
public:
    explicit TouchedMemory(std::size_t mebibytes) : memory_(mebibytes) {}

private:
    AnonymousMemory memory_;
};

}  // namespace tvp
