#pragma once
// The RocksDB database of a payledgerd data directory. Its column families:
//   log    the event log: events by global position, stream index, stream heads (this library's)
//   ...    one family for each layer above that keeps data beside the log, named by that layer:
//          views (projections/view_store.h), idempotency (api/idempotency.h), relay
//          (kafka/relay.h), webhooks (webhooks/store.h). This library knows none of them.
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/expected.h"
#include "eventstore/rocksdb_fwd.h"
#include "eventstore/status.h"

namespace payledger::eventstore {

// The log's column family: the one this library owns.
inline constexpr std::string_view kLogFamily = "log";

class Database {
 public:
  // Opens (creating if missing) the database in `dir` with the log, every family already on
  // disk, and each of `families` (created when missing). `env`: RocksDB's default when null;
  // tests pass one that simulates power loss (tests/support/power_cut_fs.h). REQUIRES: `env`
  // outlives the database.
  static Expected<std::unique_ptr<Database>, Status> open(
      const std::string& dir, rocksdb::Env* env = nullptr,
      const std::vector<std::string>& families = {});
  // Opens the database in `dir` read-only as a RocksDB secondary instance, whose own files go to
  // `scratch_dir`: it works while payledgerd runs on `dir`, and reads what had been written when
  // it opened. Nothing is created or upgraded: a family of `families` that is not on disk is an
  // error naming it. For `payledger verify`, `reconcile`, `export`.
  static Expected<std::unique_ptr<Database>, Status> open_follower(
      const std::string& dir, const std::string& scratch_dir,
      const std::vector<std::string>& families = {});
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  rocksdb::DB* db() const { return db_.get(); }
  rocksdb::ColumnFamilyHandle* log() const { return log_; }
  // The family `name`. REQUIRES: it was named when the database was opened, or was on disk.
  rocksdb::ColumnFamilyHandle* family(std::string_view name) const;

  // Drops the family `name` and creates it again, empty (the views, so that projections
  // rebuild from position 0). REQUIRES: nothing reads or writes the family meanwhile.
  Status reset_family(std::string_view name);

 private:
  Database() = default;
  // Takes `db` and the handles of the families `opened`, in their order.
  void adopt(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyDescriptor>& opened,
             const std::vector<rocksdb::ColumnFamilyHandle*>& handles);
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::ColumnFamilyHandle* log_ = nullptr;
  // Every family opened, the default and the log included: few, so a search is quick.
  std::vector<std::pair<std::string, rocksdb::ColumnFamilyHandle*>> families_;
};

// Options shared by every column family payledger creates (bloom filters for point reads).
rocksdb::ColumnFamilyOptions column_family_options();

}  // namespace payledger::eventstore
