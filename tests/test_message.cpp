// The check every IPC benchmark runs on each message: exactly once, in order, intact.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "ipc/message.hpp"

namespace tvp::ipc {
namespace {

TEST(MessageChecker, RefusesARepeatedSequenceNumber) {
    MessageWriter writer(64);
    MessageChecker checker(64);
    checker.check(writer.next(0));
    checker.check(writer.next(1));
    EXPECT_THROW(checker.check(writer.next(1)), std::runtime_error) << "a duplicate must not pass";
    EXPECT_EQ(checker.next_sequence(), 2u);
}

TEST(MessageChecker, RefusesAMessageFromThePast) {
    MessageWriter writer(8);
    MessageChecker checker(8);
    for (std::uint64_t sequence = 0; sequence < 3; ++sequence) checker.check(writer.next(sequence));
    EXPECT_THROW(checker.check(writer.next(0)), std::runtime_error);
}

TEST(MessageChecker, RefusesAChangedPayloadByte) {
    MessageWriter writer(4096);
    MessageChecker checker(4096);
    const auto message = writer.next(0);
    std::vector<std::byte> copy(message.begin(), message.end());
    copy[sizeof(MessageHeader) + 100] ^= std::byte{1};
    EXPECT_THROW(checker.check(copy), std::runtime_error);
}

TEST(MessageChecker, CountsWhatItVerified) {
    MessageWriter writer(64);
    MessageChecker checker(64);
    for (std::uint64_t sequence = 0; sequence < 5; ++sequence) checker.check(writer.next(sequence));
    EXPECT_EQ(checker.next_sequence(), 5u);
}

}  // namespace
}  // namespace tvp::ipc
