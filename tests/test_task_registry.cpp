#include <gtest/gtest.h>

#include "sumsq/partial_sum.hpp"
#include "launch/task_registry.hpp"

namespace tvp {
namespace {

int run(std::vector<const char*> words) {
    return run_task_from_command_line(static_cast<int>(words.size()), words.data());
}

TEST(TaskRegistry, FindsBuiltinTasksByName) {
    EXPECT_NE(find_task("noop"), nullptr);
    EXPECT_NE(find_task("sumsq_partial"), nullptr);
    EXPECT_EQ(find_task("no_such_task"), nullptr);
}

TEST(TaskRegistry, RunsATaskAndReturnsItsCode) {
    EXPECT_EQ(run({"noop"}), 0);
    EXPECT_EQ(run({"exit_with", "9"}), 9);
}

TEST(TaskRegistry, UnknownTaskIsAUsageError) { EXPECT_EQ(run({"no_such_task"}), exit_unknown_task); }

TEST(TaskRegistry, MissingNameIsAUsageError) { EXPECT_EQ(run({}), exit_unknown_task); }

TEST(TaskRegistry, BadArgumentsAreReportedNotCrashed) {
    EXPECT_EQ(run({"exit_with", "nine"}), exit_task_threw);
    EXPECT_EQ(run({"sumsq_partial", "/x"}), exit_task_threw);
}

TEST(TaskRegistry, IntegerArgumentsAreStrict) {
    const std::vector<std::string> args{"12", "12x", ""};
    EXPECT_EQ(integer_argument<int>(args, 0, "a"), 12);
    EXPECT_THROW(integer_argument<int>(args, 1, "b"), std::invalid_argument);
    EXPECT_THROW(integer_argument<int>(args, 2, "c"), std::invalid_argument);
    EXPECT_THROW(integer_argument<int>(args, 3, "d"), std::invalid_argument);
}

TEST(TypedTask, ItsArgumentsRebuildIt) {
    const SumsqPartialTask task{.segment = "/seg", .slot = 2, .range = {5, 9}, .slots = nullptr};
    const std::vector<std::string> args = task.to_args();
    EXPECT_EQ(args, (std::vector<std::string>{"/seg", "2", "5", "9"}));
    const SumsqPartialTask rebuilt = SumsqPartialTask::from_args(args);
    EXPECT_EQ(rebuilt.segment, task.segment);
    EXPECT_EQ(rebuilt.slot, task.slot);
    EXPECT_EQ(rebuilt.range, task.range);
}

TEST(TypedTask, WrongArgumentCountIsAnInvalidArgument) {
    const std::vector<std::string> three{"/seg", "2", "5"};
    EXPECT_THROW(SumsqPartialTask::from_args(three), std::invalid_argument);
}

}  // namespace
}  // namespace tvp
