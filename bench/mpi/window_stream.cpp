#include "window_stream.hpp"

#include <string>

namespace tvp::mpi {

namespace {

constexpr int data_tag = 2;
constexpr int ack_tag = 3;

int message_bytes(std::size_t payload_bytes) { return static_cast<int>(sizeof(ipc::MessageHeader) + payload_bytes); }

}  // namespace

WindowSender::WindowSender(std::size_t payload_bytes, int receiver)
    : receiver_(receiver), count_(message_bytes(payload_bytes)), requests_(stream_window) {
    writers_.reserve(stream_window);
    for (int i = 0; i < stream_window; ++i) writers_.emplace_back(payload_bytes);
}

bool WindowSender::send_window(RankRun& run) {
    for (int i = 0; i < stream_window; ++i) {
        const auto message = writers_[i].next(sequence_++);
        MPI_Isend(message.data(), count_, MPI_BYTE, receiver_, data_tag, MPI_COMM_WORLD, &requests_[i]);
    }
    MPI_Waitall(stream_window, requests_.data(), MPI_STATUSES_IGNORE);
    std::uint64_t acknowledged = 0;
    MPI_Recv(&acknowledged, 1, MPI_UINT64_T, receiver_, ack_tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (acknowledged == sequence_) return true;
    run.fail("rank " + std::to_string(receiver_) + " verified " + std::to_string(acknowledged) + " of " +
             std::to_string(sequence_) + " messages");
    return false;
}

WindowReceiver::WindowReceiver(std::size_t payload_bytes, int sender)
    : sender_(sender),
      count_(message_bytes(payload_bytes)),
      slots_(stream_window, std::vector<std::byte>(static_cast<std::size_t>(count_))),
      requests_(stream_window),
      checker_(payload_bytes) {}

void WindowReceiver::receive_window(RankRun& run) {
    for (int i = 0; i < stream_window; ++i)
        MPI_Irecv(slots_[i].data(), count_, MPI_BYTE, sender_, data_tag, MPI_COMM_WORLD, &requests_[i]);
    MPI_Waitall(stream_window, requests_.data(), MPI_STATUSES_IGNORE);
    // Messages from one sender with one tag match the receives in order (MPI's non-overtaking rule).
    for (const auto& slot : slots_) {
        try {
            checker_.check(slot);
        } catch (const std::exception& error) {
            run.fail(error.what());
        }
    }
    std::uint64_t verified = checker_.next_sequence();
    MPI_Send(&verified, 1, MPI_UINT64_T, sender_, ack_tag, MPI_COMM_WORLD);
}

}  // namespace tvp::mpi
