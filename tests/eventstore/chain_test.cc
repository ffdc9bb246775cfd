// The log's hash chain: every append writes the hash of each event in its batch, a reopened
// store continues the chain, and a log of format 1 (no hashes) is upgraded at open to the same
// hashes it would have had.
#include <doctest/doctest.h>
#include <rocksdb/db.h>
#include <rocksdb/iterator.h>

#include <atomic>
#include <thread>

#include "eventstore/chain.h"
#include "eventstore/database.h"
#include "eventstore/event_store.h"
#include "tests/support/temp_dir.h"

using namespace payledger::eventstore;
using payledger::testing::TempDir;

namespace {

std::unique_ptr<Database> open_chain_db(const std::string& dir) {
  auto db = Database::open(dir);
  REQUIRE(db.has_value());
  return std::move(*db);
}

// Appends from four threads at once, so that groups hold several appends.
void append_some(EventStore& store, const std::string& prefix, int streams, int per_stream) {
  std::atomic<int> failed{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&store, &failed, &prefix, t, streams, per_stream] {
      for (int s = t; s < streams; s += 4) {
        AppendRequest r{{{prefix + std::to_string(s), 0, {}}}, {}};
        for (int i = 0; i < per_stream; ++i) {
          r.streams[0].events.push_back("{\"s\":" + std::to_string(s) +
                                        ",\"i\":" + std::to_string(i) + "}");
        }
        if (!store.append(std::move(r)).has_value()) ++failed;
      }
    });
  }
  for (auto& w : writers) w.join();
  REQUIRE(failed.load() == 0);
}

// Recomputes the chain from the events and compares it with every stored hash.
ChainHash check_chain(const Database& db, const EventStore& store) {
  std::vector<StoredEvent> all;
  REQUIRE(store.read_all(Position{1}, 1'000'000, &all).is_ok());
  ChainHash expect{};
  for (const StoredEvent& e : all) {
    expect = chain_next(expect, e.position.value, e.payload);
    ChainHash stored{};
    REQUIRE(read_chain_hash(db, e.position.value, &stored).is_ok());
    REQUIRE(chain_hex(stored) == chain_hex(expect));
  }
  return expect;
}

}  // namespace

TEST_CASE("chain_next is SHA-256 of the previous hash, the position and the event") {
  // python3: hashlib.sha256(bytes(32) + (1).to_bytes(8, "big") + b"{}").hexdigest()
  const ChainHash first = chain_next(ChainHash{}, 1, "{}");
  CHECK(chain_hex(first) == "1bad765d926feacace97a8ddcd329a1f4254c208affc1ba86b3c7d59e8fba83e");
}

TEST_CASE("every append chains its events, across groups and reopening") {
  TempDir dir;
  ChainHash head{};
  {
    auto db = open_chain_db(dir.path());
    EventStore store(*db);
    append_some(store, "a_", 64, 3);
    head = check_chain(*db, store);
  }
  auto db = open_chain_db(dir.path());
  EventStore store(*db);
  ChainHash reopened{};
  REQUIRE(read_chain_hash(*db, store.last_position().value, &reopened).is_ok());
  CHECK(chain_hex(reopened) == chain_hex(head));
  append_some(store, "b_", 8, 2);
  check_chain(*db, store);
}

TEST_CASE("a log of format 1 is upgraded at open to the hashes it would have had") {
  TempDir dir;
  std::vector<std::string> before;
  {
    auto db = open_chain_db(dir.path());
    EventStore store(*db);
    append_some(store, "a_", 40, 2);
    for (std::uint64_t p = 1; p <= store.last_position().value; ++p) {
      ChainHash h{};
      REQUIRE(read_chain_hash(*db, p, &h).is_ok());
      before.push_back(chain_hex(h));
    }
    // Back to format 1: no hashes, no format key.
    for (std::uint64_t p = 1; p <= store.last_position().value; ++p) {
      REQUIRE(db->db()->Delete(rocksdb::WriteOptions(), db->log(), chain_key(p)).ok());
    }
    REQUIRE(db->db()->Delete(rocksdb::WriteOptions(), db->log(), "v").ok());
  }
  auto db = open_chain_db(dir.path());
  EventStore store(*db);
  REQUIRE(store.last_position().value == before.size());
  for (std::uint64_t p = 1; p <= before.size(); ++p) {
    ChainHash h{};
    REQUIRE(read_chain_hash(*db, p, &h).is_ok());
    CHECK(chain_hex(h) == before[p - 1]);
  }
  std::string format;
  REQUIRE(db->db()->Get(rocksdb::ReadOptions(), db->log(), "v", &format).ok());
  CHECK(format == kLogFormat);
}

TEST_CASE("a log of a newer format is refused, saying so") {
  TempDir dir;
  {
    auto db = open_chain_db(dir.path());
    REQUIRE(db->db()->Put(rocksdb::WriteOptions(), db->log(), "v", "9").ok());
  }
  auto db = Database::open(dir.path());
  REQUIRE_FALSE(db.has_value());
  CHECK(db.error().message().find("format 9") != std::string::npos);
}
