// Message queues: POSIX (mq_open) and Boost.Interprocess message_queue. One
// queue per direction; the end of the stream is an end_of_stream message (the
// chapter's None sentinel). Blocking calls wait in slices and check the peer.
#include <fcntl.h>
#include <mqueue.h>
#include <time.h>

#include <boost/date_time/posix_time/posix_time_types.hpp>
#include <boost/interprocess/ipc/message_queue.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>

#include "ipc/link_factories.hpp"
#include "ipc/message.hpp"
#include "ipc/patient_wait.hpp"
#include "os/segment_janitor.hpp"
#include "os/shared_memory.hpp"
#include "os/system_error.hpp"
#include "os/arguments.hpp"

namespace tvp::ipc {

namespace {

namespace bip = boost::interprocess;

constexpr long queue_depth = 8;

std::vector<std::byte> end_of_stream_message() {
    std::vector<std::byte> message(sizeof(MessageHeader));
    MessageHeader header{.sequence = 0,
                         .sent_ns = monotonic_ns(),
                         .checksum = 0,
                         .payload_bytes = 0,
                         .kind = MessageHeader::end_of_stream};
    std::memcpy(message.data(), &header, sizeof header);
    return message;
}

bool is_end_of_stream(std::span<const std::byte> message) {
    return read_header(message).kind == MessageHeader::end_of_stream;
}

long read_limit(const char* path) {
    std::ifstream file(path);
    long value = -1;
    file >> value;
    return value;
}

// ---- POSIX message queues ----

// POSIX queue and Boost queue names, which Boost gives a leading '/' itself.
std::string new_posix_name() { return unique_segment_name(); }
std::string new_boost_name() { return unique_segment_name().substr(1); }

class PosixQueue {  // owns one descriptor; the creator also owns the name until unlink_name()
public:
    PosixQueue(const std::string& name, bool create, std::size_t message_bytes) : name_(name), owns_name_(create) {
        mq_attr attributes{};
        attributes.mq_maxmsg = queue_depth;
        attributes.mq_msgsize = static_cast<long>(message_bytes);
        queue_ = create ? ::mq_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600, &attributes)
                        : ::mq_open(name.c_str(), O_RDWR);
        if (queue_ == static_cast<mqd_t>(-1)) {
            const int error = errno;
            if (create) withdraw_name(name);  // not ours: the janitor must leave it alone
            owns_name_ = false;
            throw_system_error(error, "mq_open " + name + " (" + std::to_string(queue_depth) + " messages of " +
                                          std::to_string(message_bytes) + " bytes; this machine's msgsize_max is " +
                                          std::to_string(read_limit("/proc/sys/fs/mqueue/msgsize_max")) + ")");
        }
    }
    PosixQueue(const PosixQueue&) = delete;
    PosixQueue& operator=(const PosixQueue&) = delete;
    ~PosixQueue() {
        ::mq_close(queue_);
        unlink_name();
    }
    void unlink_name() {
        if (owns_name_) {
            ::mq_unlink(name_.c_str());
            withdraw_name(name_);
        }
        owns_name_ = false;
    }
    // In a forked child: this copy disowns the parent's name and never removes it.
    void disown_in_forked_child() { owns_name_ = false; }
    mqd_t get() const { return queue_; }

private:
    std::string name_;
    bool owns_name_;
    mqd_t queue_ = static_cast<mqd_t>(-1);
};

timespec slice_from_now() {
    timespec deadline{};
    ::clock_gettime(CLOCK_REALTIME, &deadline);  // mq_timed* take CLOCK_REALTIME
    deadline.tv_nsec += std::chrono::nanoseconds(wait_slice).count();
    deadline.tv_sec += deadline.tv_nsec / 1'000'000'000;
    deadline.tv_nsec %= 1'000'000'000;
    return deadline;
}

// What both queue kinds share: one queue each way, whose names the parent owns
// until the peer is connected; the end of the stream is an end_of_stream message.
template <class Queue>
class TwoQueueEndpoint : public Endpoint {
public:
    TwoQueueEndpoint(std::unique_ptr<Queue> outgoing, std::unique_ptr<Queue> incoming, std::size_t max_bytes,
                     PeerAlive peer_alive)
        : outgoing_(std::move(outgoing)),
          incoming_(std::move(incoming)),
          max_bytes_(max_bytes),
          peer_alive_(std::move(peer_alive)) {}

    void close_sending() override { send(end_of_stream_message()); }
    void peer_connected() override {
        outgoing_->unlink_name();
        incoming_->unlink_name();
    }
    void disown_in_forked_child() override {
        outgoing_->disown_in_forked_child();
        incoming_->disown_in_forked_child();
    }

protected:
    // The received bytes as a message, or empty at the end of the stream.
    std::span<const std::byte> received(std::size_t size) const {
        const std::span<const std::byte> message(buffer_.data(), size);
        return is_end_of_stream(message) ? std::span<const std::byte>{} : message;
    }

    std::unique_ptr<Queue> outgoing_, incoming_;
    std::size_t max_bytes_;
    PeerAlive peer_alive_;
    std::vector<std::byte> buffer_;
};

class PosixMqEndpoint : public TwoQueueEndpoint<PosixQueue> {
public:
    using TwoQueueEndpoint::TwoQueueEndpoint;

    void send(std::span<const std::byte> message) override {
        PatientWait wait(peer_alive_, "mq_send");
        while (true) {
            const timespec deadline = slice_from_now();
            if (::mq_timedsend(outgoing_->get(), reinterpret_cast<const char*>(message.data()), message.size(), 0,
                               &deadline) == 0)
                return;
            if (errno == ETIMEDOUT) wait.check();
            else if (errno != EINTR) throw_errno("mq_send");
        }
    }

    std::span<const std::byte> receive() override {
        buffer_.resize(max_bytes_);
        PatientWait wait(peer_alive_, "mq_receive");
        while (true) {
            const timespec deadline = slice_from_now();
            const ssize_t got = ::mq_timedreceive(incoming_->get(), reinterpret_cast<char*>(buffer_.data()),
                                                  buffer_.size(), nullptr, &deadline);
            if (got >= 0) return received(static_cast<std::size_t>(got));
            if (errno == ETIMEDOUT) wait.check();
            else if (errno != EINTR) throw_errno("mq_receive");
        }
    }
};

// ---- Boost.Interprocess message_queue ----

class BipQueue {  // one queue; the creator removes its name on unlink_name() or destruction
public:
    BipQueue(const std::string& name, bool create, std::size_t message_bytes) : name_(name), owns_name_(create) {
        if (create) {
            bip::permissions owner_only;
            owner_only.set_permissions(0600);
            try {
                // Boost writes every message slot as it creates the queue: the space is checked before.
                require_dev_shm_space(queue_depth * message_bytes, "/" + name);
                queue_.emplace(bip::create_only, name.c_str(), queue_depth, message_bytes, owner_only);
                reserve_named_segment("/" + name);
            } catch (const bip::interprocess_exception& error) {
                // Boost leaves a half-made queue behind; a name that existed is not ours to remove.
                if (error.get_error_code() != bip::already_exists_error) bip::message_queue::remove(name.c_str());
                withdraw_name("/" + name);
                throw;
            } catch (...) {
                queue_.reset();
                bip::message_queue::remove(name.c_str());
                withdraw_name("/" + name);
                throw;
            }
        } else {
            queue_.emplace(bip::open_only, name.c_str());
        }
    }
    BipQueue(const BipQueue&) = delete;
    BipQueue& operator=(const BipQueue&) = delete;
    ~BipQueue() { unlink_name(); }
    void unlink_name() {
        if (owns_name_) {
            bip::message_queue::remove(name_.c_str());
            withdraw_name("/" + name_);
        }
        owns_name_ = false;
    }
    // In a forked child: this copy disowns the parent's name and never removes it.
    void disown_in_forked_child() { owns_name_ = false; }
    bip::message_queue& get() { return *queue_; }

private:
    std::string name_;
    bool owns_name_;
    std::optional<bip::message_queue> queue_;
};

boost::posix_time::ptime bip_slice_from_now() {
    return boost::posix_time::microsec_clock::universal_time() + boost::posix_time::milliseconds(wait_slice.count());
}

// A queue operation whose lock stayed taken (BOOST_INTERPROCESS_ENABLE_TIMEOUT_
// WHEN_LOCKING, see CMakeLists.txt): its holder, the peer, died inside it.
template <class Operation>
auto with_lock_timeout_named(const char* what, Operation operation) {
    try {
        return operation();
    } catch (const bip::interprocess_exception& error) {
        if (error.get_error_code() != bip::timeout_when_locking_error) throw;
        throw std::runtime_error(std::string(what) + ": the queue's lock stayed taken: the peer died holding it");
    }
}

class BipMqEndpoint : public TwoQueueEndpoint<BipQueue> {
public:
    using TwoQueueEndpoint::TwoQueueEndpoint;

    void send(std::span<const std::byte> message) override {
        PatientWait wait(peer_alive_, "message_queue::send");
        with_lock_timeout_named("message_queue::send", [&] {
            while (!outgoing_->get().timed_send(message.data(), message.size(), 0, bip_slice_from_now())) wait.check();
        });
    }

    std::span<const std::byte> receive() override {
        buffer_.resize(max_bytes_);
        PatientWait wait(peer_alive_, "message_queue::receive");
        bip::message_queue::size_type got = 0;
        unsigned priority = 0;
        with_lock_timeout_named("message_queue::receive", [&] {
            while (!incoming_->get().timed_receive(buffer_.data(), buffer_.size(), got, priority, bip_slice_from_now()))
                wait.check();
        });
        return received(got);
    }
};

template <class Queue, class QueueEndpoint>
Link make_queue_link(const char* kind, std::string (*new_name)(), const LinkOptions& options,
                     PeerAlive parent_sees_peer) {
    const std::string to_peer = new_name(), to_parent = new_name();
    const std::size_t bytes = options.max_message_bytes;
    auto outgoing = std::make_unique<Queue>(to_peer, true, bytes);
    auto incoming = std::make_unique<Queue>(to_parent, true, bytes);
    Link link;
    // The peer's side opens the same names the other way round.
    link.peer = std::make_unique<QueueEndpoint>(std::make_unique<Queue>(to_parent, false, bytes),
                                                std::make_unique<Queue>(to_peer, false, bytes), bytes, PeerAlive{});
    link.parent =
        std::make_unique<QueueEndpoint>(std::move(outgoing), std::move(incoming), bytes, std::move(parent_sees_peer));
    link.peer_arguments = {kind, to_parent, to_peer, std::to_string(bytes)};
    return link;
}

}  // namespace

Link make_posix_mq_link(const LinkOptions& options, PeerAlive parent_sees_peer) {
    return make_queue_link<PosixQueue, PosixMqEndpoint>("posix_mq", new_posix_name, options,
                                                        std::move(parent_sees_peer));
}

Link make_bip_mq_link(const LinkOptions& options, PeerAlive parent_sees_peer) {
    return make_queue_link<BipQueue, BipMqEndpoint>("bip_mq", new_boost_name, options, std::move(parent_sees_peer));
}

std::unique_ptr<Endpoint> open_mq_endpoint(std::span<const std::string> arguments, PeerAlive child_sees_parent) {
    if (arguments.size() != 4) throw std::invalid_argument("a queue endpoint needs <kind> <send> <receive> <bytes>");
    const auto bytes = integer_argument<std::size_t>(arguments, 3, "message bytes");
    if (arguments[0] == "posix_mq")
        return std::make_unique<PosixMqEndpoint>(std::make_unique<PosixQueue>(arguments[1], false, bytes),
                                                 std::make_unique<PosixQueue>(arguments[2], false, bytes), bytes,
                                                 std::move(child_sees_parent));
    return std::make_unique<BipMqEndpoint>(std::make_unique<BipQueue>(arguments[1], false, bytes),
                                           std::make_unique<BipQueue>(arguments[2], false, bytes), bytes,
                                           std::move(child_sees_parent));
}

}  // namespace tvp::ipc
