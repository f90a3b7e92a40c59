#include "process/backend.hpp"

namespace tvp {

std::optional<Backend> parse_backend(std::string_view name) {
    for (const BackendInfo& row : backend_table)
        if (row.name == name) return row.backend;
    return std::nullopt;
}

}  // namespace tvp
