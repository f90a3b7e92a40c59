#include "os/forked_child.hpp"

#include <unistd.h>

#include <exception>
#include <string>

#include "os/exit_codes.hpp"

namespace tvp {

namespace {
void write_stderr(std::string_view text) noexcept {
    [[maybe_unused]] auto written = ::write(STDERR_FILENO, text.data(), text.size());
}
}  // namespace

void run_forked_child(const std::function<int()>& body, std::string_view who) noexcept {
    int exit_code = exit_task_threw;
    try {
        exit_code = body();
    } catch (const std::exception& error) {
        // Pieces, not one concatenated string: nothing here may throw again.
        write_stderr(who);
        write_stderr(": ");
        write_stderr(error.what());
        write_stderr("\n");
    } catch (...) {
        write_stderr(who);
        write_stderr(": an exception that is not a std::exception\n");
    }
    ::_exit(exit_code);
}

}  // namespace tvp
