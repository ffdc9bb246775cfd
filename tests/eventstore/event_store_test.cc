// The event store against a real RocksDB: atomicity, optimistic concurrency, gapless positions,
// group commit, reopen, and acknowledged appends surviving kill -9.
#include <doctest/doctest.h>

#include <rocksdb/db.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "eventstore/database.h"
#include "eventstore/event_store.h"
#include "tests/support/temp_dir.h"

using namespace payledger::eventstore;
using payledger::testing::TempDir;

namespace {

AppendRequest req(std::string stream, std::uint64_t expected, int events) {
  AppendRequest r{{{std::move(stream), expected, {}}}, {}};
  for (int i = 0; i < events; ++i) {
    r.streams[0].events.push_back("{\"n\":" + std::to_string(i) + "}");
  }
  return r;
}

struct CountingObserver final : StoreObserver {
  std::atomic<std::size_t> groups{0};
  std::atomic<std::size_t> appends{0};
  void group_committed(std::size_t a, std::size_t, double) override {
    ++groups;
    appends += a;
  }
};

// An upper layer's family, for side writes (the API's idempotency records are one).
constexpr std::string_view kSideFamily = "side";

std::unique_ptr<Database> open_db(const std::string& dir) {
  auto db = Database::open(dir, nullptr, {std::string(kSideFamily)});
  REQUIRE(db.has_value());
  return std::move(*db);
}

}  // namespace

TEST_CASE("append assigns gapless positions and stream versions") {
  TempDir dir;
  auto db = open_db(dir.path());
  EventStore store(*db);
  auto a = store.append(req("pi_a", 0, 2));
  REQUIRE(a.has_value());
  CHECK(a->first.value == 1);
  CHECK(a->last.value == 2);
  auto b = store.append(req("pi_b", 0, 1));
  REQUIRE(b.has_value());
  CHECK(b->first.value == 3);
  auto c = store.append(req("pi_a", 2, 1));
  REQUIRE(c.has_value());
  CHECK(c->last.value == 4);
  CHECK(store.last_position().value == 4);
  CHECK(*store.stream_version("pi_a") == 3);
  CHECK(*store.stream_version("pi_missing") == 0);

  std::vector<StoredEvent> events;
  REQUIRE(store.read_stream("pi_a", &events).is_ok());
  REQUIRE(events.size() == 3);
  CHECK(events[0].position.value == 1);
  CHECK(events[2].position.value == 4);
  CHECK(events[2].payload == "{\"n\":0}");
  REQUIRE(store.read_all(Position{2}, 10, &events).is_ok());
  REQUIRE(events.size() == 3);
  CHECK(events[0].position.value == 2);
  CHECK(events[1].position.value == 3);
  REQUIRE(store.read_all(Position{1}, 2, &events).is_ok());
  CHECK(events.size() == 2);
}

TEST_CASE("a stale expected version is a conflict and writes nothing") {
  TempDir dir;
  auto db = open_db(dir.path());
  EventStore store(*db);
  REQUIRE(store.append(req("pi_a", 0, 1)).has_value());
  AppendRequest stale = req("pi_a", 0, 2);
  stale.side_writes.push_back({db->family(kSideFamily), "mer\0key", "response"});
  auto r = store.append(std::move(stale));
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code() == Status::Code::conflict);
  CHECK(store.last_position().value == 1);
  std::string value;
  CHECK(db->db()
            ->Get(rocksdb::ReadOptions(), db->family(kSideFamily), "mer\0key", &value)
            .IsNotFound());
  // The next accepted append still gets the next position: rejections take no position.
  auto next = store.append(req("pi_b", 0, 1));
  REQUIRE(next.has_value());
  CHECK(next->first.value == 2);
}

TEST_CASE("an append to several streams is all or nothing, each at its own version") {
  TempDir dir;
  auto db = open_db(dir.path());
  EventStore store(*db);
  REQUIRE(store.append(req("prod_a", 0, 1)).has_value());
  // A new price and its product's event, together: both land, positions in the order given.
  AppendRequest both{{{"price_a", 0, {"{\"p\":1}"}}, {"prod_a", 1, {"{\"p\":2}"}}}, {}};
  auto ok = store.append(std::move(both));
  REQUIRE(ok.has_value());
  CHECK(ok->first.value == 2);
  CHECK(ok->last.value == 3);
  CHECK(*store.stream_version("price_a") == 1);
  CHECK(*store.stream_version("prod_a") == 2);
  // One stale stream refuses the whole append: the fresh stream gets nothing either.
  AppendRequest stale{{{"price_b", 0, {"{}"}}, {"prod_a", 1, {"{}"}}},
                      {{db->family(kSideFamily), "k", "v"}}};
  auto refused = store.append(std::move(stale));
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code() == Status::Code::conflict);
  CHECK(*store.stream_version("price_b") == 0);
  CHECK(store.last_position().value == 3);
  // A guard (a stream with no events) checks a version and writes nothing to it.
  AppendRequest guarded{{{"price_c", 0, {"{}"}}, {"prod_a", 2, {}}}, {}};
  REQUIRE(store.append(std::move(guarded)).has_value());
  CHECK(*store.stream_version("prod_a") == 2);
  AppendRequest twice{{{"price_d", 0, {"{}"}}, {"price_d", 1, {"{}"}}}, {}};
  auto named_twice = store.append(std::move(twice));
  REQUIRE_FALSE(named_twice.has_value());
  CHECK(named_twice.error().code() == Status::Code::invalid_argument);
}

TEST_CASE("the writer refuses an event that is not valid UTF-8, and writes nothing of it") {
  TempDir dir;
  auto db = open_db(dir.path());
  EventStore store(*db);
  AppendRequest bad{{{"pi_ok", 0, {"{\"a\":\"fine\"}"}}, {"pi_bad", 0, {"{\"a\":\"\xff\xfe\"}"}}},
                    {}};
  auto r = store.append(std::move(bad));
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code() == Status::Code::invalid_argument);
  CHECK(store.last_position().value == 0);
  CHECK(*store.stream_version("pi_ok") == 0);
  AppendRequest good{{{"pi_ok", 0, {"{\"a\":\"ünïcode — ok\"}"}}}, {}};
  REQUIRE(store.append(std::move(good)).has_value());
}

TEST_CASE("side writes (an idempotency record) are written in the same batch as the events") {
  TempDir dir;
  auto db = open_db(dir.path());
  EventStore store(*db);
  AppendRequest r = req("pi_a", 0, 2);
  r.side_writes.push_back({db->family(kSideFamily), "k1", "stored response"});
  REQUIRE(store.append(std::move(r)).has_value());
  std::string value;
  REQUIRE(db->db()->Get(rocksdb::ReadOptions(), db->family(kSideFamily), "k1", &value).ok());
  CHECK(value == "stored response");
}

TEST_CASE("two concurrent appends at one version: exactly one wins") {
  TempDir dir;
  auto db = open_db(dir.path());
  EventStore store(*db);
  REQUIRE(store.append(req("pi_a", 0, 1)).has_value());
  for (int round = 0; round < 50; ++round) {
    const std::uint64_t version = *store.stream_version("pi_a");
    std::atomic<int> wins{0};
    std::atomic<int> conflicts{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        auto r = store.append(req("pi_a", version, 1));
        if (r) {
          ++wins;
        } else if (r.error().code() == Status::Code::conflict) {
          ++conflicts;
        }
      });
    }
    for (auto& t : threads) t.join();
    CHECK(wins == 1);
    CHECK(conflicts == 3);
  }
  CHECK(*store.stream_version("pi_a") == 51);
}

TEST_CASE("group commit: concurrent writers share syncs, positions stay gapless") {
  TempDir dir;
  auto db = open_db(dir.path());
  CountingObserver observer;
  constexpr int kThreads = 16;
  constexpr int kAppendsEach = 100;
  {
    EventStore store(*db, &observer);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kAppendsEach; ++i) {
          auto r = store.append(req("pi_" + std::to_string(t) + "_" + std::to_string(i), 0, 2));
          REQUIRE(r.has_value());
        }
      });
    }
    for (auto& t : threads) t.join();
    CHECK(store.last_position().value == kThreads * kAppendsEach * 2);
    std::vector<StoredEvent> all;
    REQUIRE(store.read_all(Position{1}, 1'000'000, &all).is_ok());
    REQUIRE(all.size() == kThreads * kAppendsEach * 2);
    for (std::size_t i = 0; i < all.size(); ++i) CHECK(all[i].position.value == i + 1);
  }
  CHECK(observer.appends == kThreads * kAppendsEach);
  CHECK(observer.groups < observer.appends);  // at least one sync served several appends
}

TEST_CASE("reopen: the log, positions and stream heads persist") {
  TempDir dir;
  {
    auto db = open_db(dir.path());
    EventStore store(*db);
    REQUIRE(store.append(req("pi_a", 0, 3)).has_value());
  }
  auto db = open_db(dir.path());
  EventStore store(*db);
  CHECK(store.last_position().value == 3);
  CHECK(*store.stream_version("pi_a") == 3);
  auto r = store.append(req("pi_a", 3, 1));
  REQUIRE(r.has_value());
  CHECK(r->first.value == 4);
}

TEST_CASE("wait_for wakes when the position is appended, and times out otherwise") {
  TempDir dir;
  auto db = open_db(dir.path());
  EventStore store(*db);
  CHECK_FALSE(store.wait_for(Position{1}, std::chrono::milliseconds(20)));
  std::thread writer([&] { REQUIRE(store.append(req("pi_a", 0, 1)).has_value()); });
  CHECK(store.wait_for(Position{1}, std::chrono::seconds(10)));
  writer.join();
}

TEST_CASE("kill -9 loses no acknowledged append") {
  for (int trial = 0; trial < 3; ++trial) {
    TempDir dir;
    int ack_pipe[2];
    REQUIRE(pipe(ack_pipe) == 0);
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      close(ack_pipe[0]);
      auto db = Database::open(dir.path());
      if (!db) std::_Exit(3);
      EventStore store(**db);
      for (std::uint32_t i = 0;; ++i) {
        auto r = store.append(req("pi_" + std::to_string(i), 0, 2));
        if (!r) std::_Exit(4);
        const std::uint64_t acked = r->last.value;
        if (write(ack_pipe[1], &acked, sizeof acked) != sizeof acked) std::_Exit(5);
      }
    }
    close(ack_pipe[1]);
    std::uint64_t highest = 0;
    std::uint64_t acked = 0;
    // Let the child append for a while, then kill it in the middle of whatever it does.
    for (int reads = 0; reads < 300 + trial * 200; ++reads) {
      if (read(ack_pipe[0], &acked, sizeof acked) != sizeof acked) break;
      highest = acked;
    }
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    while (read(ack_pipe[0], &acked, sizeof acked) == sizeof acked) highest = acked;
    close(ack_pipe[0]);
    REQUIRE(highest > 0);

    auto db = open_db(dir.path());
    EventStore store(*db);
    CHECK(store.last_position().value >= highest);
    std::vector<StoredEvent> all;
    REQUIRE(store.read_all(Position{1}, 10'000'000, &all).is_ok());
    CHECK(all.size() == store.last_position().value);  // gapless after recovery
  }
}
