// LogFollower: every event handed over in order from the consumer's checkpoint, and after a
// failure again from that checkpoint, so a consumer that commits effects with its checkpoint
// applies each event exactly once.
#include <doctest/doctest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "eventstore/log_follower.h"
#include "tests/support/temp_dir.h"

using namespace payledger::eventstore;
using payledger::testing::TempDir;

namespace {

// Applies positions to a "store" with its checkpoint atomically; fails one batch on purpose.
class Counting final : public LogConsumer {
 public:
  explicit Counting(std::uint64_t fail_at) : fail_at_(fail_at) {}
  Position checkpoint() const override {
    std::lock_guard lock(mu_);
    return Position{applied_.empty() ? 0 : applied_.back()};
  }
  Status consume(const std::vector<StoredEvent>& events) override {
    std::lock_guard lock(mu_);
    for (const auto& e : events) {
      if (e.position.value == fail_at_) {
        fail_at_ = 0;  // once
        return Status::io_error("a failing disk, for a moment");
      }
    }
    for (const auto& e : events) applied_.push_back(e.position.value);
    return Status::ok();
  }
  std::vector<std::uint64_t> applied() const {
    std::lock_guard lock(mu_);
    return applied_;
  }

 private:
  mutable std::mutex mu_;
  std::uint64_t fail_at_;
  std::vector<std::uint64_t> applied_;
};

}  // namespace

TEST_CASE("a follower hands every event over once, in order, and retries from the checkpoint") {
  TempDir dir;
  auto db = Database::open(dir.path());
  REQUIRE(db.has_value());
  EventStore store(**db);
  Counting consumer(/*fail_at=*/7);
  LogFollower follower(store, consumer,
                       {"test", 3, std::chrono::milliseconds(20), std::chrono::milliseconds(20)});
  follower.start();
  for (int i = 0; i < 20; ++i) {
    REQUIRE(store.append({{{"pi_" + std::to_string(i), 0, {"{}"}}}, {}}).has_value());
  }
  for (int i = 0; i < 500 && consumer.applied().size() < 20; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  follower.stop();
  std::vector<std::uint64_t> expected;
  for (std::uint64_t p = 1; p <= 20; ++p) expected.push_back(p);
  CHECK(consumer.applied() == expected);
  CHECK(follower.consumed().value == 20);
}
