#include "manager/workload.hpp"

#include <map>
#include <stdexcept>

namespace tvp::manager {

std::string_view to_string(Mix mix) { return mix == Mix::write ? "write" : "read90"; }

Mix parse_mix(std::string_view name) {
    if (name == "write") return Mix::write;
    if (name == "read90") return Mix::read90;
    throw std::invalid_argument("unknown mix '" + std::string(name) + "'");
}

std::uint64_t total_appends(unsigned workers, std::uint64_t operations, Mix mix) {
    std::uint64_t per_worker = 0;
    for (std::uint64_t op = 0; op < operations; ++op) per_worker += writes(mix, op);
    return per_worker * workers;
}

std::string worker_key(std::uint64_t worker) { return "worker" + std::to_string(worker); }

std::uint64_t verify(std::span<const std::uint64_t> list,
                     const std::vector<std::pair<std::string, std::uint64_t>>& dict, unsigned workers,
                     std::uint64_t operations, Mix mix) {
    auto fail = [](const std::string& what) { throw std::runtime_error("lost update: " + what); };
    std::vector<std::uint64_t> expected_next(workers, 0);  // the next op each worker should have appended
    auto advance = [&](std::uint64_t worker) {
        auto& next = expected_next[worker];
        while (next < operations && !writes(mix, next)) ++next;
        return next;
    };
    for (std::size_t i = 0; i < list.size(); ++i) {
        const std::uint64_t worker = list[i] >> 32, op = list[i] & 0xffffffffu;
        if (worker >= workers) fail("list entry " + std::to_string(i) + " names worker " + std::to_string(worker));
        if (op != advance(worker))
            fail("worker " + std::to_string(worker) + " appended op " + std::to_string(op) + " where op " +
                 std::to_string(expected_next[worker]) + " was due");
        ++expected_next[worker];
    }
    std::map<std::string, std::uint64_t> entries(dict.begin(), dict.end());
    if (entries.size() != dict.size()) fail("the dict has duplicate keys");
    std::uint64_t last_write = operations;
    while (last_write > 0 && !writes(mix, last_write - 1)) --last_write;
    for (unsigned worker = 0; worker < workers; ++worker) {
        if (advance(worker) != operations)
            fail("worker " + std::to_string(worker) + "'s appends stop before op " +
                 std::to_string(expected_next[worker]));
        const auto found = entries.find(worker_key(worker));
        if (last_write == 0) continue;
        if (found == entries.end()) fail("the dict lacks " + worker_key(worker));
        if (found->second != last_write - 1)
            fail(worker_key(worker) + " holds " + std::to_string(found->second) + ", expected " +
                 std::to_string(last_write - 1));
    }
    if (entries.size() != (last_write == 0 ? 0 : workers))
        fail("the dict holds " + std::to_string(entries.size()) + " keys, expected " + std::to_string(workers));
    return list.size();
}

}  // namespace tvp::manager
