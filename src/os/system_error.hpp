#pragma once
// Helpers that turn a failed system call into std::system_error with errno and
// a description of what was attempted. The split: code in src/ throws, and the
// benchmarks in bench/ catch and report (SkipWithError), never a made-up number.
#include <string>
#include <system_error>

namespace tvp {

[[noreturn]] inline void throw_system_error(int error_number, const std::string& what) {
    throw std::system_error(error_number, std::generic_category(), what);
}

[[noreturn]] inline void throw_errno(const std::string& what) { throw_system_error(errno, what); }

}  // namespace tvp
