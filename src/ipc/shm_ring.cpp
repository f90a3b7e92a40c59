// A single-producer single-consumer byte ring per direction in one shared
// segment. Messages are streamed through it in chunks, so a 1 MiB message
// passes a smaller ring. Waiting either busy-polls (spin, then yield, so that
// both ends on one CPU still progress) or sleeps on a futex in the segment.
//
// Why not Boost.Lockfree's spsc_queue here: it has no blocking wait (wait:block
// needs a futex beside the counters anyway), and Boost does not document it as
// usable between processes (its storage must not hold pointers, which only the
// compile-time-capacity variant guarantees). The ring is the same algorithm with
// the waiting this benchmark needs; the thread back-end's `spsc` uses the real
// spsc_queue.
#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <immintrin.h>

#include "ipc/link_factories.hpp"
#include "ipc/message.hpp"
#include "ipc/patient_wait.hpp"
#include "shared_memory.hpp"
#include "system_error.hpp"
#include "task_registry.hpp"

namespace tvp::ipc {

namespace {

constexpr std::size_t ring_bytes = std::size_t{1} << 20;  // per direction

// The control block of one direction. Counters only grow; the ring index is
// counter % ring_bytes. Producer and consumer fields live on separate lines.
struct RingControl {
    alignas(64) std::atomic<std::uint64_t> written{0};
    std::atomic<std::uint32_t> written_signal{0};  // futex word: bumped after each publish
    std::atomic<std::uint32_t> closed{0};
    alignas(64) std::atomic<std::uint64_t> consumed{0};
    std::atomic<std::uint32_t> consumed_signal{0};  // futex word: bumped after each consume
    alignas(64) std::atomic<std::uint32_t> consumer_sleeping{0};
    std::atomic<std::uint32_t> producer_sleeping{0};
};
static_assert(std::atomic<std::uint64_t>::is_always_lock_free && std::atomic<std::uint32_t>::is_always_lock_free,
              "the counters must be lock-free to work between processes");

struct SegmentLayout {
    RingControl control[2];
    alignas(64) std::byte data[2][ring_bytes];
};

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
void wait_until(Ready ready, WaitMode mode, std::atomic<std::uint32_t>& signal,
                std::atomic<std::uint32_t>& sleeping, PatientWait& patience) {
    for (std::uint64_t round = 1;; ++round) {
        if (ready()) return;
        if (mode == WaitMode::spin) {
            if (round < 2000) _mm_pause();
            else ::sched_yield();
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

class ShmRingEndpoint : public Endpoint {
public:
    // side 0 carries parent -> peer, side 1 peer -> parent.
    ShmRingEndpoint(std::shared_ptr<SharedMemory> segment, bool is_parent, WaitMode mode, PeerAlive peer_alive)
        : segment_(std::move(segment)), layout_(segment_->as<SegmentLayout>()), outgoing_(is_parent ? 0 : 1),
          mode_(mode), peer_alive_(std::move(peer_alive)) {}

    void send(std::span<const std::byte> message) override {
        RingControl& control = layout_->control[outgoing_];
        std::byte* data = layout_->data[outgoing_];
        PatientWait patience(peer_alive_, "shm_ring send");
        std::uint64_t written = control.written.load(std::memory_order_relaxed);
        std::size_t done = 0;
        while (done < message.size()) {
            // The consumer's counter lives on its cache line: read it only when
            // the space known from the last reading has run out.
            if (written - known_consumed_ == ring_bytes)
                wait_until([&] { return (known_consumed_ = control.consumed.load(std::memory_order_acquire)) + ring_bytes > written; },
                           mode_, control.consumed_signal, control.producer_sleeping, patience);
            const std::size_t chunk = std::min<std::size_t>(ring_bytes - (written - known_consumed_), message.size() - done);
            copy_in(data, written, message.data() + done, chunk);
            written += chunk;
            done += chunk;
            control.written.store(written, std::memory_order_release);
            signal(control.written_signal, control.consumer_sleeping);
        }
    }

    bool receive(std::vector<std::byte>& message) override {
        MessageHeader header;
        if (!read_exact(reinterpret_cast<std::byte*>(&header), sizeof header, true)) return false;
        message.resize(sizeof header + header.payload_bytes);
        std::memcpy(message.data(), &header, sizeof header);
        read_exact(message.data() + sizeof header, header.payload_bytes, false);
        publish_consumed();
        return true;
    }

    void close_sending() override {
        RingControl& control = layout_->control[outgoing_];
        control.closed.store(1, std::memory_order_release);
        control.written_signal.fetch_add(1);
        futex_wake(control.written_signal);
    }

    void peer_connected() override { segment_->unlink_name(); }
    void abandon_in_forked_child() override { segment_->forget_ownership(); }

private:
    static void copy_in(std::byte* ring, std::uint64_t position, const std::byte* source, std::size_t size) {
        const std::size_t start = position % ring_bytes, first = std::min(size, ring_bytes - start);
        std::memcpy(ring + start, source, first);
        std::memcpy(ring, source + first, size - first);
    }
    static void copy_out(const std::byte* ring, std::uint64_t position, std::byte* target, std::size_t size) {
        const std::size_t start = position % ring_bytes, first = std::min(size, ring_bytes - start);
        std::memcpy(target, ring + start, first);
        std::memcpy(target + first, ring, size - first);
    }
    void signal(std::atomic<std::uint32_t>& word, std::atomic<std::uint32_t>& sleeping) {
        if (mode_ != WaitMode::block) return;
        word.fetch_add(1);
        if (sleeping.load()) futex_wake(word);
    }
    // Hands the bytes read so far back to the producer: once per message, or
    // before waiting (the producer may be waiting for that room).
    void publish_consumed() {
        RingControl& control = layout_->control[1 - outgoing_];
        if (control.consumed.load(std::memory_order_relaxed) == consumed_) return;
        control.consumed.store(consumed_, std::memory_order_release);
        signal(control.consumed_signal, control.producer_sleeping);
    }

    // Reads `size` bytes; false if the stream was closed before the first byte
    // (allowed only at a message boundary).
    bool read_exact(std::byte* target, std::size_t size, bool at_boundary) {
        RingControl& control = layout_->control[1 - outgoing_];
        const std::byte* data = layout_->data[1 - outgoing_];
        PatientWait patience(peer_alive_, "shm_ring receive");
        std::size_t done = 0;
        while (done < size) {
            if (known_written_ == consumed_) {
                publish_consumed();
                bool closed = false;
                wait_until(
                    [&] {
                        known_written_ = control.written.load(std::memory_order_acquire);
                        closed = control.closed.load(std::memory_order_acquire) != 0;
                        return known_written_ != consumed_ || closed;
                    },
                    mode_, control.written_signal, control.consumer_sleeping, patience);
                if (known_written_ == consumed_) {  // closed and drained
                    if (done == 0 && at_boundary) return false;
                    throw std::runtime_error("shm_ring: stream closed in the middle of a message");
                }
            }
            const std::size_t chunk = std::min<std::size_t>(known_written_ - consumed_, size - done);
            copy_out(data, consumed_, target + done, chunk);
            consumed_ += chunk;
            done += chunk;
        }
        return true;
    }

    std::shared_ptr<SharedMemory> segment_;
    SegmentLayout* layout_;
    int outgoing_;
    WaitMode mode_;
    PeerAlive peer_alive_;
    // This side's view of the counters: what it has read, and the peer's
    // counters as last seen (a stale view only means waiting a little more).
    std::uint64_t consumed_ = 0;
    std::uint64_t known_written_ = 0;
    std::uint64_t known_consumed_ = 0;
};

}  // namespace

Link make_shm_ring_link(const LinkOptions& options, PeerAlive parent_sees_peer) {
    auto segment = std::make_shared<SharedMemory>(SharedMemory::create_named(sizeof(SegmentLayout)));
    new (segment->data()) SegmentLayout;  // zeroed counters
    Link link;
    link.peer_arguments = {"shm_ring", segment->name(), std::string(to_string(options.wait))};
    link.peer = std::make_unique<ShmRingEndpoint>(segment, false, options.wait, PeerAlive{});
    link.parent = std::make_unique<ShmRingEndpoint>(std::move(segment), true, options.wait, std::move(parent_sees_peer));
    return link;
}

std::unique_ptr<Endpoint> open_shm_ring_endpoint(std::span<const std::string> arguments, PeerAlive child_sees_parent) {
    if (arguments.size() != 3) throw std::invalid_argument("a shm_ring endpoint needs <segment> <wait>");
    auto segment = std::make_shared<SharedMemory>(SharedMemory::open_named(arguments[1]));
    if (segment->size() < sizeof(SegmentLayout)) throw std::invalid_argument("segment too small for a ring pair");
    const WaitMode mode = arguments[2] == "spin" ? WaitMode::spin : WaitMode::block;
    return std::make_unique<ShmRingEndpoint>(std::move(segment), false, mode, std::move(child_sees_parent));
}

}  // namespace tvp::ipc
