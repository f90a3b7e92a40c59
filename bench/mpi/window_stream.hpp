#pragma once
// OSU's window of messages (osu_bw, osu_mbw_mr) between a sender rank and its
// receiver: the sender posts `window` MPI_Isend, the receiver `window`
// MPI_Irecv; when the receiver has them all it verifies each (the suite's
// header: sequence, checksum) and answers with a small acknowledgement, the
// number of messages it has verified so far, and the window is done. Each slot
// has its own buffers: the sender's built once, then only re-stamped.
#include <mpi.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "ipc/message.hpp"
#include "lockstep.hpp"

namespace tvp::mpi {

inline constexpr int stream_window = 64;

class WindowSender {
public:
    WindowSender(std::size_t payload_bytes, int receiver);
    // One window; false (and run.fail) when the receiver did not verify all of it.
    bool send_window(RankRun& run);

private:
    int receiver_;
    int count_;
    std::vector<ipc::MessageWriter> writers_;
    std::vector<MPI_Request> requests_;
    std::uint64_t sequence_ = 0;
};

class WindowReceiver {
public:
    WindowReceiver(std::size_t payload_bytes, int sender);
    // One window: receives it, verifies each message (a wrong one: run.fail), acknowledges.
    void receive_window(RankRun& run);

private:
    int sender_;
    int count_;
    std::vector<std::vector<std::byte>> slots_;
    std::vector<MPI_Request> requests_;
    ipc::MessageChecker checker_;
};

}  // namespace tvp::mpi
