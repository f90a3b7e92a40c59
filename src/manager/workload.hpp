#pragma once
// The chapter's Manager example as a workload: each of W workers performs K
// operations on a shared dict and list under a lock. A write operation sets the
// worker's key to the operation's number and appends (worker, number) to the
// list; the read-mostly mix makes 9 of every 10 operations a lookup instead.
// Every store runs the same operations and is verified the same way.
#include <concepts>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tvp::manager {

enum class Mix { write, read90 };

std::string_view to_string(Mix mix);
Mix parse_mix(std::string_view name);  // throws std::invalid_argument

// Whether operation `op` of a worker writes (else it only looks up).
inline bool writes(Mix mix, std::uint64_t op) { return mix == Mix::write || op % 10 == 9; }
// The list element a write appends.
inline std::uint64_t list_entry(std::uint64_t worker, std::uint64_t op) { return (worker << 32) | op; }
// How many list entries a run appends: its writes, over all workers.
std::uint64_t total_appends(unsigned workers, std::uint64_t operations, Mix mix);
// The dict key of a worker: "worker<N>".
std::string worker_key(std::uint64_t worker);

// Throws std::runtime_error describing the first lost or extra update: the
// list must hold each worker's writes exactly once and in its order, the dict
// each worker's key with its last write. Returns the list entries it checked
// (total_appends()), so that a caller can prove the check ran on the whole run.
std::uint64_t verify(std::span<const std::uint64_t> list,
                     const std::vector<std::pair<std::string, std::uint64_t>>& dict, unsigned workers,
                     std::uint64_t operations, Mix mix);

// One worker's view of a store, the three operations the workload is made of:
//   locked(body)      runs body() holding the store's lock (one operation);
//   write(op, entry)  sets the worker's key to `op` and appends `entry`;
//   read()            the worker's key's value, std::nullopt while it has none.
template <class Access>
concept WorkerAccess = requires(Access& access, std::uint64_t number) {
    access.locked([] {});
    access.write(number, number);
    { access.read() } -> std::same_as<std::optional<std::uint64_t>>;
};

// The worker's K operations, written once for every store. A template rather
// than virtual calls: each store's operations inline into this loop, so the
// memory and shm stores' timed loop has no call or allocation per operation
// that it did not have before (the server's makes one round trip per call).
template <WorkerAccess Access>
void run_operations(Access& access, unsigned worker, std::uint64_t operations, Mix mix) {
    std::uint64_t seen = 0;
    for (std::uint64_t op = 0; op < operations; ++op)
        access.locked([&] {
            if (writes(mix, op)) access.write(op, list_entry(worker, op));
            else if (const std::optional<std::uint64_t> value = access.read()) seen += *value;
        });
    asm volatile("" : : "r"(seen));  // the lookups' results are used
}

}  // namespace tvp::manager
