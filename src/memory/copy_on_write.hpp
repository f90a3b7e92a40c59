#pragma once
// The copy-on-write bill: after fork, parent and child share every private
// page until one of them writes it; the first write to each page then copies
// it. Here one writer writes one word in every page of the parent's memory and
// times it, against a thread writing the same memory (no copy: threads share it).
//
// The memory holds a pattern: the first 8 bytes of every page are one value.
// Every measurement checks what each side sees afterwards, so that a write that
// reached the other side (no copy made) is an error, not a fast number.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace tvp {

enum class PageWriter {
    forked_child,  // the child writes its pages; the parent must still see the old pattern
    parent,        // the parent writes while a forked child holds the pages; the child must see the old one
    thread,        // a new thread writes; the caller must see the new pattern
};

// Writes `value` in the first 8 bytes of every 4 KiB page of `memory`.
void write_pattern(std::span<std::byte> memory, std::uint64_t value) noexcept;

// The first page that does not hold `value`, or nothing.
std::optional<std::size_t> first_page_without(std::span<const std::byte> memory, std::uint64_t value) noexcept;

struct PageWrites {
    double seconds = 0;         // the writer's own time for writing every page
    std::uint64_t pattern = 0;  // what `memory` holds afterwards, as this process sees it
};

// `memory` must hold `pattern` in every page (write_pattern) and be private
// anonymous memory of whole pages. The writer writes pattern + 1 in every page,
// timed, then both sides' views are checked. Throws std::invalid_argument for
// empty memory or memory that does not hold `pattern`; std::runtime_error
// "copy-on-write check failed: ..." when one side sees the other's writes, or
// when the writer's own writes do not read back; std::system_error when fork,
// a pipe or a thread fails.
PageWrites time_page_writes(std::span<std::byte> memory, std::uint64_t pattern, PageWriter writer);

}  // namespace tvp
