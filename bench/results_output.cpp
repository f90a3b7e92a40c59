#include "results_output.hpp"

#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <system_error>

#include "os/fd_io.hpp"
#include "os/unique_fd.hpp"

// Google Benchmark 1.7.1 exports its flags without declaring them in its header.
namespace benchmark {
extern std::string FLAGS_benchmark_out;
extern std::string FLAGS_benchmark_out_format;
}  // namespace benchmark

namespace tvp::bench {

namespace {

std::unique_ptr<benchmark::BenchmarkReporter> reporter_for(const std::string& format) {
    if (format == "json") return std::make_unique<benchmark::JSONReporter>();
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    if (format == "csv") return std::make_unique<benchmark::CSVReporter>();
#pragma GCC diagnostic pop
    return std::make_unique<benchmark::ConsoleReporter>(benchmark::ConsoleReporter::OO_None);
}

// The file reporter Google Benchmark is given: it hands every call to the
// reporter of --benchmark_out_format, which writes into memory. (Google
// Benchmark points the outer one at its own file, which is /dev/null here.)
class InMemoryFileReporter : public benchmark::BenchmarkReporter {
public:
    explicit InMemoryFileReporter(const std::string& format) : inner_(reporter_for(format)) {
        inner_->SetOutputStream(&text_);
        inner_->SetErrorStream(&text_);
    }
    bool ReportContext(const Context& context) override { return inner_->ReportContext(context); }
    void ReportRuns(const std::vector<Run>& runs) override { inner_->ReportRuns(runs); }
    void Finalize() override { inner_->Finalize(); }
    std::string text() const { return text_.str(); }

private:
    std::ostringstream text_;
    std::unique_ptr<benchmark::BenchmarkReporter> inner_;
};

// Writes `text` to `destination` by way of a temporary file in its folder.
// Returns an empty string, or why it failed (the temporary file is then gone).
std::string write_whole(const std::filesystem::path& destination, const std::string& text) {
    namespace fs = std::filesystem;
    std::error_code ignored;
    // A symbolic link keeps pointing where it did: the file it names is replaced.
    const fs::path target = fs::is_symlink(destination, ignored) ? fs::canonical(destination, ignored) : destination;
    std::string hidden_name = ".";
    hidden_name.append(target.filename().string()).append(".tmp-").append(std::to_string(::getpid()));
    const fs::path temporary = target.parent_path() / hidden_name;
    const auto fail_with = [&](int error, const std::string& step) {
        fs::remove(temporary, ignored);
        return step + ": " + std::generic_category().message(error);
    };
    const auto fail = [&](const std::string& step) { return fail_with(errno, step); };
    UniqueFd file(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (!file) return fail("creating " + temporary.string());
    try {
        write_all(file.get(), text.data(), text.size(), false, wait_forever);
    } catch (const std::system_error& error) {
        return fail_with(error.code().value(), "writing " + temporary.string());
    }
    if (::fsync(file.get()) != 0) return fail("flushing " + temporary.string());
    if (::close(file.release()) != 0) return fail("closing " + temporary.string());
    if (::rename(temporary.c_str(), target.c_str()) != 0) return fail("renaming it to " + target.string());
    return {};
}

}  // namespace

int run_benchmarks(const char* program) {
    const std::string destination = benchmark::FLAGS_benchmark_out;
    if (destination.empty()) {
        benchmark::RunSpecifiedBenchmarks();
        return 0;
    }
    InMemoryFileReporter file_reporter(benchmark::FLAGS_benchmark_out_format);
    benchmark::FLAGS_benchmark_out = "/dev/null";  // Google Benchmark opens it; the reporter above writes nothing there
    benchmark::RunSpecifiedBenchmarks(nullptr, &file_reporter);
    benchmark::FLAGS_benchmark_out = destination;
    if (const std::string problem = write_whole(destination, file_reporter.text()); !problem.empty()) {
        fmt::print(stderr, "{}: the results were not written to {} ({})\n", program, destination, problem);
        return 1;
    }
    return 0;
}

}  // namespace tvp::bench
