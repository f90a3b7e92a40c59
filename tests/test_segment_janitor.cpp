// The janitor removes what a killed process leaves in /dev/shm and among the
// POSIX message queues: the names it was told of, and no others (a process
// that got the dead one's pid may own "tvp-<pid>-..." names too), as soon as
// that process has ended, even while a child of it lives on.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <sys/mman.h>
#include <unistd.h>

#include "process_tree.hpp"
#include "manager/stores.hpp"
#include "os/segment_janitor.hpp"
#include "os/shared_memory.hpp"
#include "os/unique_fd.hpp"

namespace tvp {
namespace {

using namespace std::chrono_literals;

bool segment_exists(const std::string& name) { return std::filesystem::exists("/dev/shm" + name); }

bool queue_exists(const std::string& name) {  // works without /dev/mqueue mounted
    const mqd_t queue = ::mq_open(name.c_str(), O_RDONLY);
    if (queue == static_cast<mqd_t>(-1)) return false;
    ::mq_close(queue);
    return true;
}

void create_segment(const std::string& name) {
    const UniqueFd fd(::shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600));
    if (!fd) throw std::system_error(errno, std::generic_category(), "shm_open " + name);
}

void create_queue(const std::string& name) {
    const mqd_t queue = ::mq_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600, nullptr);
    if (queue == static_cast<mqd_t>(-1)) throw std::system_error(errno, std::generic_category(), "mq_open " + name);
    ::mq_close(queue);
}

// A process that starts its janitor, runs `setup` (whose lines it reports to
// the test) and then waits to be killed.
class Owner {
public:
    template <class Setup>
    explicit Owner(Setup setup) {
        FdPair pipe = make_pipe();
        pid_ = ::fork();
        if (pid_ == 0) {
            pipe.first.reset();
            try {
                start_segment_janitor();
                const std::string report = setup();
                if (::write(pipe.second.get(), report.data(), report.size()) != static_cast<ssize_t>(report.size()))
                    ::_exit(1);
            } catch (...) {
                ::_exit(1);
            }
            pipe.second.reset();
            while (true) ::pause();
        }
        pipe.second.reset();
        pollfd ready{.fd = pipe.first.get(), .events = POLLIN, .revents = 0};
        char buffer[4096];
        ssize_t got = 0;
        if (::poll(&ready, 1, 10'000) == 1) got = ::read(pipe.first.get(), buffer, sizeof buffer);
        std::istringstream lines(std::string(buffer, got > 0 ? static_cast<std::size_t>(got) : 0));
        for (std::string line; std::getline(lines, line);) reported_.push_back(line);
    }
    pid_t pid() const { return pid_; }
    const std::vector<std::string>& reported() const { return reported_; }
    // SIGKILL: no destructor runs, only the janitor can clean up.
    void kill() const {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }

private:
    pid_t pid_ = -1;
    std::vector<std::string> reported_;
};

class JanitorTest : public ::testing::Test {
protected:
    void TearDown() override {
        testing::kill_remaining_children();
        for (const std::string& name : to_remove_) {
            ::shm_unlink(name.c_str());
            ::mq_unlink(name.c_str());
        }
    }
    void remove_later(const std::vector<std::string>& names) {
        to_remove_.insert(to_remove_.end(), names.begin(), names.end());
    }

    // The owner reported one name it no longer has; another process takes it, the
    // owner ends: the janitor must leave the new object alone.
    void expect_a_name_taken_over_survives_the_janitor(const Owner& owner, const char* failure) {
        ASSERT_EQ(owner.reported().size(), 1u);
        const std::string& name = owner.reported()[0];
        remove_later(owner.reported());
        ASSERT_FALSE(segment_exists(name));
        create_segment(name);  // now another process's object

        owner.kill();
        EXPECT_TRUE(testing::reap_children(2s).all_gone);
        EXPECT_TRUE(segment_exists(name)) << failure;
    }

    testing::Subreaper subreaper_;  // the janitor comes back to this process once its owner is gone
    std::vector<std::string> to_remove_;
};

TEST_F(JanitorTest, RemovesTheNamesItWasToldOfAndNoOther) {
    const Owner owner([] {
        const std::string segment = unique_segment_name(), queue = unique_segment_name();
        create_segment(segment);
        create_queue(queue);
        // The owner's pid, as after a pid reuse, but never announced.
        const std::string foreign = "/tvp-" + std::to_string(::getpid()) + "-not-announced";
        create_segment(foreign);
        return segment + "\n" + queue + "\n" + foreign + "\n";
    });
    ASSERT_EQ(owner.reported().size(), 3u);
    remove_later(owner.reported());
    const std::string &segment = owner.reported()[0], &queue = owner.reported()[1], &foreign = owner.reported()[2];
    ASSERT_TRUE(segment_exists(segment) && queue_exists(queue) && segment_exists(foreign));

    owner.kill();
    EXPECT_TRUE(testing::reap_children(2s).all_gone) << "the janitor did not end with its owner";
    EXPECT_FALSE(segment_exists(segment)) << segment;
    EXPECT_FALSE(queue_exists(queue)) << queue;
    EXPECT_TRUE(segment_exists(foreign)) << "the janitor removed a name it was never told of";
}

TEST_F(JanitorTest, LeavesAloneANameItsOwnerRemovedThatAnotherProcessTookSince) {
    const Owner owner([] {
        const std::string name = unique_segment_name();
        create_segment(name);
        ::shm_unlink(name.c_str());
        withdraw_name(name);
        return name + "\n";
    });
    expect_a_name_taken_over_survives_the_janitor(owner, "the janitor removed a name its owner had given up");
}

// The manager's shared store, once destroyed, no longer owns its name either.
TEST_F(JanitorTest, LeavesAloneTheNameOfAManagerStoreItsOwnerDestroyed) {
    const Owner owner([] {
        std::string name;
        {
            const manager::ShmStore store = manager::ShmStore::create(1 << 20);
            name = "/" + store.name();
        }
        return name + "\n";
    });
    expect_a_name_taken_over_survives_the_janitor(owner,
                                                  "the janitor removed the name of a store its owner had destroyed");
}

TEST_F(JanitorTest, CleansUpWhenItsOwnerEndsThoughAChildOfTheOwnerLivesOn) {
    const Owner owner([] {
        const pid_t child = ::fork();  // inherits everything the owner holds, the janitor's channel too
        if (child == 0) {
            ::sleep(30);
            ::_exit(0);
        }
        const std::string segment = unique_segment_name();
        create_segment(segment);
        return segment + "\n" + std::to_string(child) + "\n";
    });
    ASSERT_EQ(owner.reported().size(), 2u);
    const std::string& segment = owner.reported()[0];
    const pid_t child = std::stoi(owner.reported()[1]);
    remove_later({segment});

    owner.kill();
    EXPECT_TRUE(testing::eventually([&] { return !segment_exists(segment); }, 2s)) << "not removed in 2 s";
    EXPECT_EQ(::kill(child, 0), 0) << "the owner's child should still run";
}

TEST(Janitor, WithoutOneAnnouncingIsHarmless) {
    EXPECT_NO_THROW(announce_name("/tvp-1-nothing"));
    EXPECT_NO_THROW(withdraw_name("/tvp-1-nothing"));
}

}  // namespace
}  // namespace tvp
