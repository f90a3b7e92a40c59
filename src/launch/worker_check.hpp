#pragma once
// The program the spawned back-ends start is checked once, before any
// benchmark: a wrong --worker_exe would otherwise turn every spawned benchmark
// into an error while bench exits 0.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "launch/handshake.hpp"

namespace tvp {

// Why `program` is not the suite's worker (missing, not a regular file, not
// executable, or it does not answer the handshake within a few seconds), or
// nullopt when it is.
std::optional<std::string> worker_executable_problem(const std::filesystem::path& program);

}  // namespace tvp
