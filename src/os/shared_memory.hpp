#pragma once
// Owner of one shared mapping: anonymous (inherited across fork) or a named
// POSIX segment (opened by name in a spawned child). A named segment gets a
// unique name (pid + random), mode 0600, and its creator unlinks it on
// destruction and on every failure path; a peer that opens it never unlinks.
#include <cstddef>
#include <string>

namespace tvp {

class SharedMemory {
public:
    // MAP_SHARED | MAP_ANONYMOUS: shared with children made by fork() later.
    static SharedMemory create_anonymous(std::size_t bytes);
    // A new named segment "/tvp-<pid>-<random>", zero-filled.
    static SharedMemory create_named(std::size_t bytes);
    // Maps an existing segment made by create_named() in another process.
    static SharedMemory open_named(const std::string& name);

    SharedMemory(SharedMemory&& other) noexcept;
    SharedMemory& operator=(SharedMemory&& other) noexcept;
    SharedMemory(const SharedMemory&) = delete;
    SharedMemory& operator=(const SharedMemory&) = delete;
    ~SharedMemory() { release(); }

    void* data() const { return address_; }
    std::size_t size() const { return size_; }
    // Empty for anonymous memory.
    const std::string& name() const { return name_; }
    template <class T>
    T* as() const {
        return static_cast<T*>(address_);
    }
    // Removes the name now and keeps the mapping: once every peer has mapped
    // the segment, nothing is left in /dev/shm even if a process dies later.
    void unlink_name() noexcept;
    // In a forked child: this copy disowns the parent's name and never removes it.
    void disown_in_forked_child() noexcept { unlink_on_release_ = false; }

private:
    SharedMemory(void* address, std::size_t size, std::string name, bool unlink_on_release)
        : address_(address), size_(size), name_(std::move(name)), unlink_on_release_(unlink_on_release) {}
    void release() noexcept;

    void* address_ = nullptr;
    std::size_t size_ = 0;
    std::string name_;
    bool unlink_on_release_ = false;
};

// A name no other object of this or another process uses, for a segment or a
// message queue: "/tvp-<pid>-<64 random bits from getrandom>".
// It is announced to this process's janitor (segment_janitor.hpp), which
// removes it should this process die before its owner does.
std::string unique_segment_name();
// For segments another library creates (Boost.Interprocess), which it writes
// into before the caller could reserve them: throws "no space in /dev/shm for
// N bytes" when /dev/shm has less free now, and reserve_named_segment() then
// takes every page of the segment `name` ("/..."), so that a later write
// cannot fault (SIGBUS) on a /dev/shm filled in the meantime.
void require_dev_shm_space(std::size_t bytes, const std::string& name);
void reserve_named_segment(const std::string& name);
// The same kind of name, not announced: for objects the janitor cannot remove
// and that need no removal (an abstract socket vanishes with its last descriptor).
std::string unique_object_name();

}  // namespace tvp
