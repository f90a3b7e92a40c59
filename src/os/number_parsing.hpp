#pragma once
// Strict number parsing for command lines: the whole text must be a number.
#include <charconv>
#include <optional>
#include <string_view>

namespace tvp {

template <class Integer>
std::optional<Integer> parse_integer(std::string_view text) {
    Integer value{};
    const char* end = text.data() + text.size();
    auto [stop, error] = std::from_chars(text.data(), end, value);
    if (text.empty() || error != std::errc{} || stop != end) return std::nullopt;
    return value;
}

}  // namespace tvp
