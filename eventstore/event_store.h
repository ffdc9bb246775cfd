#pragma once
// The append-only event log. One writer thread owns every append: it checks each stream's
// expected version, assigns gapless global positions, and writes a whole group of waiting appends
// in one batch. A second thread makes written groups durable with one WAL sync for all of them
// (group commit) and only then acknowledges them. The two overlap: while one group is being
// synced the next is being checked and written, so a sync never waits for the CPU work and the
// CPU work never waits for a sync.
//
// Readers never see a written group before it is durable: read_all stops at last_position(), and
// read_stream waits for the positions it found to become durable.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "domain/expected.h"
#include "domain/types.h"
#include "eventstore/chain.h"
#include "eventstore/database.h"
#include "eventstore/position_gate.h"
#include "eventstore/rocksdb_fwd.h"
#include "eventstore/status.h"

namespace payledger::eventstore {

struct PositionTag {};
// The place of an event in the whole log: 1 for the first event, gapless. 0 means "none yet".
using Position = domain::Strong<PositionTag, std::uint64_t>;

// The events of one stream in an append.
struct StreamAppend {
  std::string stream_id;
  std::uint64_t expected_version = 0;  // the stream's version now; 0 = the stream must not exist
  std::vector<std::string> events;     // encoded envelopes, versions expected_version+1...
                                       // (none: only check the version, a guard)
};

// One atomic append: every stream's version is checked, and either all the events are written
// (in the order given, streams one after another) or none is.
// A key and value an upper layer writes into its own column family in the same atomic batch
// as the events (the API: the request's idempotency record), so both are kept or neither is.
struct SideWrite {
  rocksdb::ColumnFamilyHandle* family = nullptr;
  std::string key;
  std::string value;
};

struct AppendRequest {
  std::vector<StreamAppend> streams;
  std::vector<SideWrite> side_writes;  // written only if the events are
};

struct AppendResult {
  Position first;  // position of the first appended event (== last + 1 when none were)
  Position last;   // position of the last appended event
};

struct StoredEvent {
  Position position;
  std::string payload;  // the JSON envelope (codec.h)
};

// Observes the store (metrics probe). group_committed() is called once per WAL sync, with every
// append that sync made durable, on the syncing thread.
struct StoreObserver {
  virtual ~StoreObserver() = default;
  virtual void group_committed(std::size_t appends, std::size_t events, double sync_seconds) = 0;
};

class EventStore {
 public:
  // REQUIRES: `db` outlives the store.
  explicit EventStore(Database& db, StoreObserver* observer = nullptr);
  ~EventStore();  // finishes every queued append, then stops the writer
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;

  // Appends atomically and durably (the WAL is synced before this returns).
  // Returns Status::conflict when a stream's version is not its `expected_version`, and
  // invalid_argument for an empty or NUL-holding stream id, a stream named twice, or an event
  // that is not valid UTF-8 (nothing is written then).
  Expected<AppendResult, Status> append(AppendRequest request);

  // Every event of a stream in version order; empty when the stream does not exist.
  Status read_stream(const std::string& stream_id, std::vector<StoredEvent>* out) const;
  // Up to `max_events` events with position >= from, in position order.
  Status read_all(Position from, std::size_t max_events, std::vector<StoredEvent>* out) const;
  // The version of a stream as the writer sees it (0 when absent): it may count appends written
  // but not yet acknowledged. For tests and diagnostics; decide on read_stream() instead.
  Expected<std::uint64_t, Status> stream_version(const std::string& stream_id) const;

  // The last durable position: every event up to it is synced and visible to readers.
  Position last_position() const { return Position{durable_.reached()}; }
  // The database the log is in (for a side write's family).
  Database& database() const { return db_; }
  // Blocks until last_position() >= p or the timeout passes; returns whether it was reached.
  bool wait_for(Position p, std::chrono::milliseconds timeout) const;
  // Wakes every wait_for() caller (used at shutdown).
  void wake_all() const;

 private:
  struct Pending {
    AppendRequest request;
    std::promise<Expected<AppendResult, Status>> done;
  };
  // A group written to the WAL and the memtables but not yet synced.
  struct Written {
    std::vector<std::unique_ptr<Pending>> group;
    std::vector<Expected<AppendResult, Status>> results;
    std::uint64_t last = 0;  // the last position the group took (or the one before it)
    std::size_t events = 0;
  };
  void writer_loop();
  void syncer_loop();
  Written write_group(std::vector<std::unique_ptr<Pending>> group);
  AppendResult place(const AppendRequest& r, std::uint64_t next, rocksdb::WriteBatch& batch);
  // ok when the stream is at `version` now; else conflict (saying where it is) or an I/O error.
  Status stream_at(const std::string& stream_id, std::uint64_t version) const;
  Status conflict(const std::string& stream_id, std::uint64_t expected) const;
  static Status version_matches(const std::string& stream_id, std::uint64_t head,
                                std::uint64_t expected);

  Database& db_;
  StoreObserver* observer_;
  PositionGate durable_;                // the last durable position
  std::uint64_t written_position_ = 0;  // the last written one; owned by the writer thread
  ChainHash chain_head_{};              // the hash of written_position_ (eventstore/chain.h)

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<std::unique_ptr<Pending>> queue_;
  bool stopping_ = false;

  std::mutex written_mu_;
  std::condition_variable written_cv_;
  std::deque<Written> written_;
  bool writer_done_ = false;

  std::thread syncer_;
  std::thread writer_;
};

// Key encodings of the log column family (docs/storage-format.md).
std::string event_key(Position p);
std::string stream_index_key(const std::string& stream_id, std::uint64_t version);
void put_be64(std::string& out, std::uint64_t v);
std::uint64_t get_be64(const char* p);

}  // namespace payledger::eventstore
