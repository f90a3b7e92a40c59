#pragma once
// A spawned program's arguments as values: each refused with the argument's
// number and what it is for, as std::invalid_argument.
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include "os/number_parsing.hpp"

namespace tvp {

// Argument `index` of a task as an integer; throws std::invalid_argument naming it.
template <class Integer>
Integer integer_argument(std::span<const std::string> args, std::size_t index, std::string_view what) {
    if (index >= args.size())
        throw std::invalid_argument("missing argument " + std::to_string(index + 1) + " (" + std::string(what) + ")");
    if (auto value = parse_integer<Integer>(args[index])) return *value;
    throw std::invalid_argument("argument " + std::to_string(index + 1) + " (" + std::string(what) +
                                ") is not an integer: '" + args[index] + "'");
}

// Throws std::invalid_argument "<task> needs <usage>" unless there are `count` arguments.
inline void require_argument_count(std::span<const std::string> args, std::size_t count, std::string_view task,
                                   std::string_view usage) {
    if (args.size() != count)
        throw std::invalid_argument(std::string(task) + " needs " + std::string(usage) + ", got " +
                                    std::to_string(args.size()) + " arguments");
}

}  // namespace tvp
