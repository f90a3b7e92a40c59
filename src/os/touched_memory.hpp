#pragma once
// Private anonymous memory written page by page, so that it is resident and in
// the page tables: the "parent size" that makes fork() copy more page tables.
#include <cstddef>

namespace tvp {

class TouchedMemory {
public:
    explicit TouchedMemory(std::size_t mebibytes);
    TouchedMemory(const TouchedMemory&) = delete;
    TouchedMemory& operator=(const TouchedMemory&) = delete;
    ~TouchedMemory();

private:
    void* address_ = nullptr;
    std::size_t bytes_ = 0;
};

}  // namespace tvp
