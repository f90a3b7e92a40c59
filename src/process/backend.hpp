#pragma once
// The ways this suite starts a worker: one row each in TVP_BACKENDS, from which
// the enum, the names, the help text, `bench --list-backends`, the launcher's
// dispatch (launcher.cpp) and every question about a back-end's memory read.
// A new back-end is its row here, its start function (launch_<name>.cpp, named
// detail::start_<name>) and its tests.
#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

#include "os/pipe_kind.hpp"

namespace tvp {

// The worker's address space, and so what it sees of the starting process's memory.
enum class AddressSpace {
    shared,  // the same one (a thread): it sees every object
    copied,  // a copy-on-write copy: anonymous MAP_SHARED memory made before the start stays shared
    fresh,   // a new program's: only named segments (shm_open) reach it
};

// X(name, address space, pipe, runs_by_default, raw_baseline, description):
//   pipe: the pipe type of its links (boost: Boost.Process's own, as a
//     program written with Boost.Process would use; posix: pipe2);
//   runs_by_default: in every scenario (the others run by default only in
//     create, create_split, sumsq and isolation; --backends selects for all);
//   raw_baseline: the bare-system-call loop of the create scenario it is read
//     beside ("" where none is its own).
#define TVP_BACKENDS(X)                                                                                               \
    X(thread, shared, posix, true, "raw_pthread", "std::thread in this process")                                      \
    X(fork, copied, posix, true, "raw_fork", "fork(); the child runs the task and leaves with _exit()")               \
    X(posix_spawn, fresh, posix, true, "raw_posix_spawn", "posix_spawn() of the worker program (Python's \"spawn\")") \
    X(boost_process, fresh, boost, true, "", "boost::process::child of the worker program")                           \
    X(vfork, fresh, posix, false, "raw_vfork", "vfork() + execve() of the worker program")                            \
    X(clone3, fresh, posix, false, "",                                                                                \
      "clone3(CLONE_VM|CLONE_VFORK|CLONE_PIDFD) + execve(), waited for through its pidfd")                            \
    X(boost_process_vfork, fresh, posix, false, "", "boost::process::child with boost::process::posix::use_vfork")

enum class Backend {
#define TVP_BACKEND_ENUMERATOR(name, space, pipe, by_default, raw, description) name,
    TVP_BACKENDS(TVP_BACKEND_ENUMERATOR)
#undef TVP_BACKEND_ENUMERATOR
};

struct BackendInfo {
    Backend backend;
    std::string_view name;
    AddressSpace address_space;
    PipeKind pipe;
    bool runs_by_default;
    std::string_view raw_baseline;
    std::string_view description;
};

inline constexpr std::array backend_table{
#define TVP_BACKEND_ROW(name, space, pipe, by_default, raw, description) \
    BackendInfo{Backend::name, #name, AddressSpace::space, PipeKind::pipe, by_default, raw, description},
    TVP_BACKENDS(TVP_BACKEND_ROW)
#undef TVP_BACKEND_ROW
};

constexpr const BackendInfo& info(Backend backend) { return backend_table[static_cast<std::size_t>(backend)]; }
constexpr std::string_view to_string(Backend backend) { return info(backend).name; }
constexpr std::string_view to_string(AddressSpace space) {
    switch (space) {
        case AddressSpace::shared: return "shared";
        case AddressSpace::copied: return "copied";
        case AddressSpace::fresh: return "fresh";
    }
    return "unknown";
}
// True for the back-ends that exec a separate program and so need a named task.
constexpr bool runs_worker_executable(Backend backend) { return info(backend).address_space == AddressSpace::fresh; }
// True where the worker runs in this address space (it sees every object).
constexpr bool shares_address_space(Backend backend) { return info(backend).address_space == AddressSpace::shared; }
constexpr bool is_default_backend(Backend backend) { return info(backend).runs_by_default; }
std::optional<Backend> parse_backend(std::string_view name);

namespace detail {
template <auto keep>
constexpr auto backends_where() {
    constexpr std::size_t count =
        static_cast<std::size_t>(std::count_if(backend_table.begin(), backend_table.end(), keep));
    std::array<Backend, count> chosen{};
    std::size_t next = 0;
    for (const BackendInfo& row : backend_table)
        if (keep(row)) chosen[next++] = row.backend;
    return chosen;
}
}  // namespace detail

inline constexpr auto all_backends = detail::backends_where<[](const BackendInfo&) { return true; }>();
inline constexpr auto process_backends =
    detail::backends_where<[](const BackendInfo& row) { return row.address_space != AddressSpace::shared; }>();
inline constexpr auto default_backends =
    detail::backends_where<[](const BackendInfo& row) { return row.runs_by_default; }>();
inline constexpr auto optional_backends =
    detail::backends_where<[](const BackendInfo& row) { return !row.runs_by_default; }>();

}  // namespace tvp
