// A single-producer single-consumer ring of cache lines per direction in one
// shared segment. Each message travels as a frame whose stamp shares a cache
// line with its first bytes (messages above a quarter of the ring go as several
// frames), and the consumer reads it in place. Waiting either busy-polls (spin,
// then yield, so that both ends on one CPU still progress) or sleeps on a futex
// in the segment.
//
// Why not Boost.Lockfree's spsc_queue here: it has no blocking wait (wait:block
// needs a futex beside the counters anyway), and Boost does not document it as
// usable between processes (its storage must not hold pointers, which only the
// compile-time-capacity variant guarantees), and it moves bytes, not messages:
// a reader copies every message out and polls an index on another cache line.
// The thread back-end's `spsc` uses the real spsc_queue.
#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

#include "ipc/link_factories.hpp"
#include "ipc/message.hpp"
#include "ipc/patient_wait.hpp"
#include "ipc/shm_ring_layout.hpp"
#include "ipc/spin.hpp"
#include "os/shared_memory.hpp"
#include "os/system_error.hpp"
#include "os/arguments.hpp"

namespace tvp::ipc {

namespace {

using ring::frame_header_bytes;
using ring::last_fragment;
using ring::Line;
using ring::line_bytes;
using ring::max_frame_body;
using ring::RingControl;
using ring::SegmentLayout;
using ring::skip_to_start;
constexpr std::uint64_t ring_lines = ring::lines;

std::uint64_t lines_for(std::size_t body_bytes) {
    return (frame_header_bytes + body_bytes + line_bytes - 1) / line_bytes;
}

void futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t expected) {
    const timespec slice{0, std::chrono::nanoseconds(wait_slice).count()};
    ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAIT, expected, &slice, nullptr, 0);
}

void futex_wake(std::atomic<std::uint32_t>& word) {
    ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAKE, INT32_MAX, nullptr, nullptr, 0);
}

// Waits until ready() holds. spin: poll, pausing, then yielding; block: sleep on
// `signal` (announced through `sleeping`, re-checked before sleeping).
template <class Ready>
void wait_until(Ready ready, WaitMode mode, std::atomic<std::uint32_t>& signal, std::atomic<std::uint32_t>& sleeping,
                PatientWait& patience) {
    for (std::uint64_t round = 1;; ++round) {
        if (ready()) return;
        if (mode == WaitMode::spin) {
            spin_once(round);
            if (round % 16384 == 0) patience.check();
        } else {
            sleeping.store(1);
            const std::uint32_t seen = signal.load();
            if (!ready()) futex_wait(signal, seen);
            sleeping.store(0);
            patience.check();
        }
    }
}

// Copies a frame's body into the ring. The target lines were last read by the
// consumer on the other CPU, so each store must first take its line back; for
// large bodies, asking for the lines 4 KiB ahead (prefetch for write) overlaps
// those transfers instead of paying them one by one (measured here: about 13.6
// against 18.5 GB/s for 64 KiB messages).
// Asks for the cache line holding `address` in a state ready to be written.
void prefetch_for_write(const std::byte* address) {
#if defined(__x86_64__) || defined(__i386__)
    _mm_prefetch(reinterpret_cast<const char*>(address), _MM_HINT_ET0);
#else
    __builtin_prefetch(address, 1, 3);  // for writing, keep in every cache level
#endif
}

void copy_to_ring(std::byte* target, const std::byte* source, std::size_t size) {
    constexpr std::size_t ahead = 4096, step = 4 * line_bytes;
    std::size_t done = 0;
    if (size >= ahead) {
        for (; done + ahead + step <= size; done += step) {
            for (std::size_t line = 0; line < step; line += line_bytes)
                prefetch_for_write(target + done + ahead + line);
            std::memcpy(target + done, source + done, step);
        }
    }
    std::memcpy(target + done, source + done, size - done);
}

class ShmRingEndpoint : public Endpoint {
public:
    // Direction 0 carries parent -> peer, direction 1 peer -> parent.
    ShmRingEndpoint(std::shared_ptr<SharedMemory> segment, bool is_parent, WaitMode mode, std::size_t max_message_bytes,
                    PeerAlive peer_alive)
        : segment_(std::move(segment)),
          layout_(segment_->as<SegmentLayout>()),
          outgoing_(is_parent ? 0 : 1),
          mode_(mode),
          max_message_bytes_(max_message_bytes),
          peer_alive_(std::move(peer_alive)) {}

    void send(std::span<const std::byte> message) override {
        do {
            const std::size_t body = std::min(message.size(), max_frame_body);
            const bool last = body == message.size();
            write_frame(message.first(body), last ? std::uint32_t{last_fragment} : 0u);
            message = message.subspan(body);
        } while (!message.empty());
    }

    std::span<const std::byte> receive() override {
        RingControl& control = layout_->control[1 - outgoing_];
        Line* lines = layout_->lines[1 - outgoing_];
        publish_consumed();  // the previous message's view is no longer in use
        PatientWait patience(peer_alive_, "shm_ring receive");
        assembled_.clear();
        while (true) {
            Line& line = lines[read_position_ % ring_lines];
            bool closed = false;
            wait_until(
                [&] {
                    if (line.stamp.load(std::memory_order_acquire) == next_sequence_) return true;
                    closed = control.closed.load(std::memory_order_acquire) != 0;
                    return closed;
                },
                mode_, control.written_signal, control.consumer_sleeping, patience);
            if (line.stamp.load(std::memory_order_acquire) != next_sequence_) {  // closed, nothing more came
                if (!assembled_.empty()) throw std::runtime_error("shm_ring: stream closed in the middle of a message");
                return {};
            }
            ++next_sequence_;
            // Read the frame's fields now: once published as consumed, the line is the producer's again.
            const std::uint32_t flags = line.flags;
            const std::uint32_t body_bytes = line.body_bytes;
            check_frame(flags, body_bytes);
            if (flags & skip_to_start) {
                read_position_ += ring_lines - read_position_ % ring_lines;
                continue;
            }
            const std::span<const std::byte> body(line.body, body_bytes);
            read_position_ += lines_for(body.size());
            if (assembled_.empty() && (flags & last_fragment)) return body;  // in place, no copy
            assembled_.insert(assembled_.end(), body.begin(), body.end());
            publish_consumed();
            if (flags & last_fragment) return assembled_;
        }
    }

    void close_sending() override {
        RingControl& control = layout_->control[outgoing_];
        control.closed.store(1, std::memory_order_release);
        control.written_signal.fetch_add(1);
        futex_wake(control.written_signal);
    }

    void peer_connected() override { segment_->unlink_name(); }
    void disown_in_forked_child() override { segment_->disown_in_forked_child(); }

private:
    // The peer wrote the frame's fields: a body must lie within the ring (from
    // its line to the ring's end, never wrapping) and the message within the
    // link's limit, before a byte of it is read.
    void check_frame(std::uint32_t flags, std::uint32_t body_bytes) const {
        if (flags & ~std::uint32_t{last_fragment | skip_to_start})
            throw std::runtime_error("shm_ring: corrupt frame: unknown flags " + std::to_string(flags));
        if (flags & skip_to_start) return;
        if (body_bytes > max_frame_body || read_position_ % ring_lines + lines_for(body_bytes) > ring_lines)
            throw std::runtime_error("shm_ring: corrupt frame: a body of " + std::to_string(body_bytes) +
                                     " bytes at line " + std::to_string(read_position_ % ring_lines) +
                                     " does not fit the ring");
        if (assembled_.size() + body_bytes > max_message_bytes_)
            throw std::runtime_error("shm_ring: a message of more than " + std::to_string(max_message_bytes_) +
                                     " bytes, the link's limit");
    }

    // Writes one frame at the write position (after a skip frame if it would
    // not fit before the ring's end), clearing the next frame's stamp first.
    void write_frame(std::span<const std::byte> body, std::uint32_t flags) {
        const std::uint64_t frame_lines = lines_for(body.size());
        if (write_position_ % ring_lines + frame_lines > ring_lines) {
            const std::uint64_t rest = ring_lines - write_position_ % ring_lines;
            publish_frame(rest, {}, skip_to_start);
        }
        publish_frame(frame_lines, body, flags);
    }

    void publish_frame(std::uint64_t frame_lines, std::span<const std::byte> body, std::uint32_t flags) {
        RingControl& control = layout_->control[outgoing_];
        Line* lines = layout_->lines[outgoing_];
        // Room for the frame and for clearing the stamp of the line after it.
        const std::uint64_t end = write_position_ + frame_lines + 1;
        if (end - known_consumed_ > ring_lines) {
            PatientWait patience(peer_alive_, "shm_ring send");
            wait_until(
                [&] {
                    return end - (known_consumed_ = control.consumed_lines.load(std::memory_order_acquire)) <=
                           ring_lines;
                },
                mode_, control.consumed_signal, control.producer_sleeping, patience);
        }
        const std::uint64_t first = write_position_ % ring_lines, next = (write_position_ + frame_lines) % ring_lines;
        Line& line = lines[first];
        line.body_bytes = static_cast<std::uint32_t>(body.size());
        line.flags = flags;
        if (!body.empty()) copy_to_ring(line.body, body.data(), body.size());
        if (!(flags & skip_to_start))
            for (std::uint64_t i = 1; i < frame_lines; ++i) holds_payload_[first + i] = 1;
        holds_payload_[first] = 0;
        // The consumer reads the next frame's line before that frame exists. An
        // old stamp there is always below the sequence it waits for, but payload
        // bytes from an earlier lap could be anything: zero those first. (Only
        // then: a store to that line now would cost the small messages a second
        // cache-line transfer on their critical path.)
        if (holds_payload_[next]) {
            lines[next].stamp.store(0, std::memory_order_relaxed);
            holds_payload_[next] = 0;
        }
        line.stamp.store(++sequence_, std::memory_order_release);
        write_position_ += frame_lines;
        signal(control.written_signal, control.consumer_sleeping);
    }

    void publish_consumed() {
        RingControl& control = layout_->control[1 - outgoing_];
        if (published_consumed_ == read_position_) return;
        published_consumed_ = read_position_;
        control.consumed_lines.store(read_position_, std::memory_order_release);
        signal(control.consumed_signal, control.producer_sleeping);
    }

    void signal(std::atomic<std::uint32_t>& word, std::atomic<std::uint32_t>& sleeping) {
        if (mode_ != WaitMode::block) return;
        word.fetch_add(1);
        if (sleeping.load()) futex_wake(word);
    }

    std::shared_ptr<SharedMemory> segment_;
    SegmentLayout* layout_;
    int outgoing_;
    WaitMode mode_;
    std::size_t max_message_bytes_;  // header + largest payload: a longer message is an error
    PeerAlive peer_alive_;
    // Producer side: where the next frame goes, its sequence number, and the
    // consumer's progress as last seen (stale only means waiting a little more).
    std::uint64_t write_position_ = 0;
    std::uint64_t sequence_ = 0;
    std::uint64_t known_consumed_ = 0;
    std::vector<std::uint8_t> holds_payload_ =
        std::vector<std::uint8_t>(ring_lines, 0);  // line starts with payload bytes
    // Consumer side.
    std::uint64_t read_position_ = 0;
    std::uint64_t next_sequence_ = 1;
    std::uint64_t published_consumed_ = 0;
    std::vector<std::byte> assembled_;  // a message that came in several fragments
};

}  // namespace

Link make_shm_ring_link(const LinkOptions& options, PeerAlive parent_sees_peer) {
    const std::size_t limit = message_limit(options);
    auto segment = std::make_shared<SharedMemory>(SharedMemory::create_named(sizeof(SegmentLayout)));
    new (segment->data()) SegmentLayout;  // zeroed counters
    Link link;
    link.peer_arguments = {"shm_ring", segment->name(), std::string(to_string(options.wait)), std::to_string(limit)};
    link.peer = std::make_unique<ShmRingEndpoint>(segment, false, options.wait, limit, PeerAlive{});
    link.parent =
        std::make_unique<ShmRingEndpoint>(std::move(segment), true, options.wait, limit, std::move(parent_sees_peer));
    return link;
}

std::unique_ptr<Endpoint> open_shm_ring_endpoint(std::span<const std::string> arguments, PeerAlive child_sees_parent) {
    if (arguments.size() != 4)
        throw std::invalid_argument("a shm_ring endpoint needs <segment> <wait> <max message bytes>");
    const auto limit = message_limit_argument(arguments, 3);
    auto segment = std::make_shared<SharedMemory>(SharedMemory::open_named(arguments[1]));
    if (segment->size() < sizeof(SegmentLayout)) throw std::invalid_argument("segment too small for a ring pair");
    const WaitMode mode = arguments[2] == "spin" ? WaitMode::spin : WaitMode::block;
    return std::make_unique<ShmRingEndpoint>(std::move(segment), false, mode, limit, std::move(child_sees_parent));
}

}  // namespace tvp::ipc
