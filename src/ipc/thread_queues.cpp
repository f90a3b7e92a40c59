// In-process queues for the thread back-end: a blocking mutex + condition
// variable queue of whole messages, and Boost.Lockfree's spsc_queue of bytes
// (busy-polling: it has no blocking wait).
#include <boost/lockfree/spsc_queue.hpp>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <sched.h>

#include "ipc/link_factories.hpp"
#include "ipc/message.hpp"
#include "ipc/spin.hpp"

namespace tvp::ipc {

namespace {

// One direction: the chapter's Queue between threads.
struct LockedQueue {
    std::mutex mutex;
    std::condition_variable changed;
    std::deque<std::vector<std::byte>> messages;
    bool closed = false;
};

class LockedQueueEndpoint : public Endpoint {
public:
    LockedQueueEndpoint(std::shared_ptr<LockedQueue> outgoing, std::shared_ptr<LockedQueue> incoming)
        : outgoing_(std::move(outgoing)), incoming_(std::move(incoming)) {}

    void send(std::span<const std::byte> message) override {
        {
            std::lock_guard lock(outgoing_->mutex);
            outgoing_->messages.emplace_back(message.begin(), message.end());
        }
        outgoing_->changed.notify_one();
    }

    std::span<const std::byte> receive() override {
        std::unique_lock lock(incoming_->mutex);
        incoming_->changed.wait(lock, [&] { return !incoming_->messages.empty() || incoming_->closed; });
        if (incoming_->messages.empty()) return {};
        current_ = std::move(incoming_->messages.front());
        incoming_->messages.pop_front();
        return current_;
    }

    void close_sending() override {
        {
            std::lock_guard lock(outgoing_->mutex);
            outgoing_->closed = true;
        }
        outgoing_->changed.notify_one();
    }

private:
    std::shared_ptr<LockedQueue> outgoing_, incoming_;
    std::vector<std::byte> current_;
};

// One direction: a lock-free byte queue plus an end-of-stream flag.
struct ByteQueue {
    explicit ByteQueue(std::size_t capacity) : bytes(capacity) {}
    boost::lockfree::spsc_queue<std::byte> bytes;
    std::atomic<bool> closed{false};
};

class SpscEndpoint : public Endpoint {
public:
    SpscEndpoint(std::shared_ptr<ByteQueue> outgoing, std::shared_ptr<ByteQueue> incoming)
        : outgoing_(std::move(outgoing)), incoming_(std::move(incoming)) {}

    void send(std::span<const std::byte> message) override {
        std::size_t done = 0;
        for (std::uint64_t round = 0; done < message.size(); ++round) {
            const std::size_t pushed = outgoing_->bytes.push(message.data() + done, message.size() - done);
            done += pushed;
            if (pushed == 0) spin_once(round);
            else round = 0;
        }
    }

    std::span<const std::byte> receive() override {
        MessageHeader header;
        if (!pop_exact(reinterpret_cast<std::byte*>(&header), sizeof header, true)) return {};
        buffer_.resize(sizeof header + header.payload_bytes);
        std::memcpy(buffer_.data(), &header, sizeof header);
        pop_exact(buffer_.data() + sizeof header, header.payload_bytes, false);
        return buffer_;
    }

    void close_sending() override { outgoing_->closed.store(true, std::memory_order_release); }

private:
    bool pop_exact(std::byte* target, std::size_t size, bool at_boundary) {
        std::size_t done = 0;
        for (std::uint64_t round = 0; done < size; ++round) {
            const std::size_t popped = incoming_->bytes.pop(target + done, size - done);
            done += popped;
            if (popped > 0) {
                round = 0;
                continue;
            }
            if (incoming_->closed.load(std::memory_order_acquire) && incoming_->bytes.read_available() == 0) {
                if (done == 0 && at_boundary) return false;
                throw std::runtime_error("spsc: stream closed in the middle of a message");
            }
            spin_once(round);
        }
        return true;
    }

    std::shared_ptr<ByteQueue> outgoing_, incoming_;
    std::vector<std::byte> buffer_;
};

}  // namespace

Link make_thread_queue_link(const LinkOptions& options) {
    Link link;
    if (options.mechanism == Mechanism::mutex_cv) {
        auto to_peer = std::make_shared<LockedQueue>(), to_parent = std::make_shared<LockedQueue>();
        link.parent = std::make_unique<LockedQueueEndpoint>(to_peer, to_parent);
        link.peer = std::make_unique<LockedQueueEndpoint>(to_parent, to_peer);
    } else {
        constexpr std::size_t capacity = std::size_t{1} << 20;
        auto to_peer = std::make_shared<ByteQueue>(capacity), to_parent = std::make_shared<ByteQueue>(capacity);
        link.parent = std::make_unique<SpscEndpoint>(to_peer, to_parent);
        link.peer = std::make_unique<SpscEndpoint>(to_parent, to_peer);
    }
    return link;
}

}  // namespace tvp::ipc
