#include "eventstore/database.h"

#include <vector>

#include <rocksdb/filter_policy.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <spdlog/spdlog.h>

#include "eventstore/chain.h"

namespace payledger::eventstore {
namespace {

// Event keys ("g" + big-endian position) only ever grow, so each insert lands right after the
// previous one. Naming them one "prefix" lets the memtable keep an insert hint for them and skip
// the skip-list search; other keys are out of the domain and inserted as usual.
class EventKeyHint final : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "payledger.EventKeyHint"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return rocksdb::Slice(key.data(), 1);
  }
  bool InDomain(const rocksdb::Slice& key) const override {
    return key.size() == 9 && key[0] == 'g';
  }
};

void log_upgrade_progress(std::uint64_t done, std::uint64_t total) {
  spdlog::info("upgrading the log to format {}: {}/{} events hashed", kLogFormat, done, total);
}

}  // namespace

rocksdb::ColumnFamilyOptions column_family_options() {
  rocksdb::ColumnFamilyOptions cf;
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.block_cache = rocksdb::NewLRUCache(64 << 20);
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return cf;
}

Expected<std::unique_ptr<Database>, Status> Database::open(const std::string& dir,
                                                           rocksdb::Env* env) {
  rocksdb::DBOptions options;
  if (env != nullptr) options.env = env;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.max_background_jobs = 2;
  const rocksdb::ColumnFamilyOptions cf = column_family_options();
  rocksdb::ColumnFamilyOptions log_cf = cf;
  log_cf.memtable_insert_with_hint_prefix_extractor = std::make_shared<EventKeyHint>();
  // Every create asks for the head of a stream that does not exist yet: a bloom filter over
  // the memtable's keys answers that without searching the skip list.
  log_cf.memtable_whole_key_filtering = true;
  log_cf.memtable_prefix_bloom_size_ratio = 0.05;
  std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {rocksdb::kDefaultColumnFamilyName, cf},
      {"log", log_cf},
      {"idempotency", cf},
      {"views", cf},
      {"relay", cf},
      {"webhooks", cf},
  };
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, families, &handles, &raw);
  if (!s.ok()) return Unexpected{Status::io_error("opening " + dir + ": " + s.ToString())};
  std::unique_ptr<Database> db(new Database());
  db->db_.reset(raw);
  db->default_ = handles[0];
  db->log_ = handles[1];
  db->idempotency_ = handles[2];
  db->views_ = handles[3];
  db->relay_ = handles[4];
  db->webhooks_ = handles[5];
  if (Status up = upgrade_log(*db, log_upgrade_progress); !up.is_ok()) return Unexpected{up};
  return db;
}

Expected<std::unique_ptr<Database>, Status> Database::open_follower(
    const std::string& dir, const std::string& scratch_dir) {
  rocksdb::DBOptions options;
  options.max_open_files = -1;  // a secondary instance keeps every table file open
  const rocksdb::ColumnFamilyOptions cf = column_family_options();
  std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {rocksdb::kDefaultColumnFamilyName, cf},
      {"log", cf},
      {"idempotency", cf},
      {"views", cf},
      {"relay", cf},
      {"webhooks", cf},
  };
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s =
      rocksdb::DB::OpenAsSecondary(options, dir, scratch_dir, families, &handles, &raw);
  if (!s.ok()) return Unexpected{Status::io_error("opening " + dir + ": " + s.ToString())};
  std::unique_ptr<Database> db(new Database());
  db->db_.reset(raw);
  db->default_ = handles[0];
  db->log_ = handles[1];
  db->idempotency_ = handles[2];
  db->views_ = handles[3];
  db->relay_ = handles[4];
  db->webhooks_ = handles[5];
  // What the primary wrote since its last flush is in its WAL: read it too.
  if (s = raw->TryCatchUpWithPrimary(); !s.ok()) {
    return Unexpected{Status::io_error("catching up with " + dir + ": " + s.ToString())};
  }
  return db;
}

Database::~Database() {
  for (auto* h : {default_, log_, idempotency_, views_, relay_, webhooks_}) {
    if (h != nullptr) (void)db_->DestroyColumnFamilyHandle(h);
  }
}

Status Database::reset_views() {
  rocksdb::Status s = db_->DropColumnFamily(views_);
  if (!s.ok()) return Status::io_error("dropping views: " + s.ToString());
  (void)db_->DestroyColumnFamilyHandle(views_);
  views_ = nullptr;
  s = db_->CreateColumnFamily(column_family_options(), "views", &views_);
  if (!s.ok()) return Status::io_error("creating views: " + s.ToString());
  return Status::ok();
}

}  // namespace payledger::eventstore
