#pragma once
// The views column family: key layout (docs/storage-format.md) and a batch that reads its own
// writes, so that several events of one intent projected together see each other.
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <rocksdb/db.h>

#include "eventstore/event_store.h"
#include "eventstore/status.h"

namespace payledger::projections {

struct ViewKeys {
  static std::string checkpoint(std::string_view projector);
  static std::string checkpoint_above(std::string_view projector);
  static std::string parked(std::string_view stream_id, std::uint64_t version);
  static std::string stream_version(std::string_view stream_id);
  static std::string intent(std::string_view merchant, std::string_view id);
  static std::string intent_position(std::string_view merchant, std::string_view id);
  static std::string intent_list(std::string_view merchant, eventstore::Position created_at);
  static std::string intent_list_prefix(std::string_view merchant);
  static std::string refund(std::string_view merchant, std::string_view id);
  static std::string refund_position(std::string_view merchant, std::string_view id);
  static std::string refund_list(std::string_view merchant, eventstore::Position created_at);
  static std::string refund_list_prefix(std::string_view merchant);
  static std::string api_key(std::string_view key_sha256);
  static std::string merchant(std::string_view merchant);
  static std::string due(std::int64_t due_at, std::string_view merchant, std::string_view id);
  static constexpr std::string_view kDuePrefix = "d/";
  static constexpr std::string_view kParkedPrefix = "q/";
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
