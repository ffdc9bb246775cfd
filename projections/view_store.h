#pragma once
// The views column family: key layout (docs/storage-format.md) and a batch that reads its own
// writes, so that several events of one intent projected together see each other.
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "eventstore/event_store.h"
#include "eventstore/status.h"

namespace payledger::projections {

// The column family of the views and their checkpoints (rebuilt from the log at will).
inline constexpr std::string_view kViewsFamily = "views";
// The views' family of `db`. REQUIRES: `db` was opened with it (or found it on disk).
inline rocksdb::ColumnFamilyHandle* views_family(const eventstore::Database& db) {
  return db.family(kViewsFamily);
}

// Every key of the views column family (docs/storage-format.md). `scope` is the merchant, or ""
// for documents found without one (API keys).
struct ViewKeys {
  static std::string checkpoint(std::string_view projector);
  static std::string checkpoint_above(std::string_view projector);
  // The projection record of a stream: its version, its documents' bookkeeping, its state.
  static std::string stream(std::string_view stream_id);
  // A rendered API object.
  static std::string object(std::string_view object, std::string_view scope, std::string_view id);
  // A document's list position and index values.
  static std::string document(std::string_view object, std::string_view scope, std::string_view id);
  // The list of `object` for one (filter, value); filter "" is the list of all.
  static std::string list_prefix(std::string_view object, std::string_view scope,
                                 std::string_view filter, std::string_view value);
  static std::string list(std::string_view object, std::string_view scope, std::string_view filter,
                          std::string_view value, eventstore::Position created_at);
  // A stream's due work: in the system clock's index (`clock` empty) or in the index of the
  // test clock it lives on.
  static std::string due(std::int64_t due_at, std::string_view stream_id,
                         std::string_view clock = {});
  // The due index of one test clock: `e/` clock NUL.
  static std::string clock_due_prefix(std::string_view clock);
  // The public events of the log in order (projections/public_events.h): the sequence number,
  // then merchant NUL event id NUL type. What webhook delivery follows.
  static std::string announced(std::uint64_t sequence);
  static std::string quarantined(std::string_view projector, eventstore::Position p);
  static std::string poisoned(std::string_view projector, std::string_view stream_id);
  static constexpr std::string_view kDuePrefix = "d/";
  static constexpr std::string_view kClockDuePrefix = "e/";
  static constexpr std::string_view kAnnouncedPrefix = "a/";
  static constexpr std::string_view kQuarantinePrefix = "z/";
  // The layout of these keys and what documents render; views of another format are rebuilt
  // from the log. 6: PaymentIntents render latest_charge, charges paid.
  static constexpr std::string_view kFormatKey = "f/format";
  static constexpr std::string_view kFormat = "6";
};

// Reads see the batch's own writes first. Nothing reaches the database before commit().
class ViewBatch {
 public:
  ViewBatch(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf) : db_(db), cf_(cf) {}

  // Returns Status::not_found when the key has no value.
  eventstore::Status get(const std::string& key, std::string* value) const;
  void put(std::string key, std::string value) { writes_[std::move(key)] = std::move(value); }
  void erase(std::string key) { writes_[std::move(key)] = std::nullopt; }
  bool empty() const { return writes_.empty(); }
  // Writes everything atomically (no sync: views are rebuilt from the synced log if lost).
  // Without `wal`, the write skips RocksDB's write-ahead log: a bulk rebuild does, and flushes
  // at its end (a crash loses whole batches, newest first, checkpoint included).
  eventstore::Status commit(bool wal = true);

 private:
  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* cf_;
  std::map<std::string, std::optional<std::string>> writes_;
};

std::string be64_string(std::uint64_t v);

}  // namespace payledger::projections
