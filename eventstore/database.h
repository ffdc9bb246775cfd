#pragma once
// The RocksDB database of a payledgerd data directory and its column families:
//   log          the event log: events by global position, stream index, stream heads
//   idempotency  stored responses of idempotent requests (written with the events they made)
//   views        projections and their checkpoints (rebuilt from the log at will)
//   relay        the Kafka relay's checkpoint (not a view: a replay must not republish)
//   webhooks     webhook deliveries: the delivery worker's checkpoint, what waits, and every
//                attempt (not a view: a replay must not deliver again)
#include <memory>
#include <string>

#include <rocksdb/db.h>

#include "domain/expected.h"
#include "eventstore/status.h"

namespace payledger::eventstore {

class Database {
 public:
  // Opens (creating if missing) the database in `dir`. `env`: RocksDB's default when null; tests
  // pass one that simulates power loss (tests/support/power_cut_fs.h). REQUIRES: `env`
  // outlives the database.
  static Expected<std::unique_ptr<Database>, Status> open(const std::string& dir,
                                                          rocksdb::Env* env = nullptr);
  // Opens the database in `dir` read-only as a RocksDB secondary instance, whose own files go to
  // `scratch_dir`: it works while payledgerd runs on `dir`, and reads what had been written when
  // it opened. Nothing is created or upgraded. For `payledger verify`, `reconcile`, `export`.
  static Expected<std::unique_ptr<Database>, Status> open_follower(const std::string& dir,
                                                                   const std::string& scratch_dir);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  rocksdb::DB* db() const { return db_.get(); }
  rocksdb::ColumnFamilyHandle* log() const { return log_; }
  rocksdb::ColumnFamilyHandle* idempotency() const { return idempotency_; }
  rocksdb::ColumnFamilyHandle* views() const { return views_; }
  rocksdb::ColumnFamilyHandle* relay() const { return relay_; }
  rocksdb::ColumnFamilyHandle* webhooks() const { return webhooks_; }

  // Drops every view and checkpoint, so that projections rebuild from position 0.
  // REQUIRES: no projection is running on this database.
  Status reset_views();

 private:
  Database() = default;
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::ColumnFamilyHandle* default_ = nullptr;
  rocksdb::ColumnFamilyHandle* log_ = nullptr;
  rocksdb::ColumnFamilyHandle* idempotency_ = nullptr;
  rocksdb::ColumnFamilyHandle* views_ = nullptr;
  rocksdb::ColumnFamilyHandle* relay_ = nullptr;
  rocksdb::ColumnFamilyHandle* webhooks_ = nullptr;
};

// Options shared by every column family payledger creates (bloom filters for point reads).
rocksdb::ColumnFamilyOptions column_family_options();

}  // namespace payledger::eventstore
