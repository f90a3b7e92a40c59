#pragma once
// The worker's answer to the "handshake" task, by which bench's --worker_exe
// check recognises the suite's worker.
#include <string_view>

namespace tvp {

inline constexpr std::string_view worker_handshake_reply = "tvp_worker handshake 1";

}  // namespace tvp
