#include "eventstore/database.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <spdlog/spdlog.h>

#include "domain/assert.h"
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

namespace {

// The options of the log's family: `log_cf` (the shared ones) with its own memtable tuning.
rocksdb::ColumnFamilyOptions log_family_options(rocksdb::ColumnFamilyOptions log_cf) {
  log_cf.memtable_insert_with_hint_prefix_extractor = std::make_shared<EventKeyHint>();
  // Every create asks for the head of a stream that does not exist yet: a bloom filter over
  // the memtable's keys answers that without searching the skip list.
  log_cf.memtable_whole_key_filtering = true;
  log_cf.memtable_prefix_bloom_size_ratio = 0.05;
  return log_cf;
}

// The names of the families of the database in `dir`; none for a new directory.
std::vector<std::string> families_on_disk(const rocksdb::DBOptions& options,
                                          const std::string& dir) {
  std::vector<std::string> on_disk;
  // A new directory has none yet (ListColumnFamilies fails): nothing to add.
  (void)rocksdb::DB::ListColumnFamilies(options, dir, &on_disk);
  return on_disk;
}

// The families to open: the default, the log, those `on_disk` (RocksDB opens all or none) and
// `named`, each once. They share one set of options, and so one block cache
// (column_family_options makes a new one at each call).
std::vector<rocksdb::ColumnFamilyDescriptor> descriptors(const std::vector<std::string>& on_disk,
                                                         const std::vector<std::string>& named) {
  std::vector<std::string> names = {rocksdb::kDefaultColumnFamilyName, std::string(kLogFamily)};
  for (const std::vector<std::string>* list : {&on_disk, &named}) {
    for (const std::string& name : *list) {
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
  }
  const rocksdb::ColumnFamilyOptions cf = column_family_options();
  const rocksdb::ColumnFamilyOptions log_cf = log_family_options(cf);
  std::vector<rocksdb::ColumnFamilyDescriptor> out;
  out.reserve(names.size());
  for (const std::string& name : names) out.emplace_back(name, name == kLogFamily ? log_cf : cf);
  return out;
}

}  // namespace

Expected<std::unique_ptr<Database>, Status> Database::open(
    const std::string& dir, rocksdb::Env* env, const std::vector<std::string>& families) {
  rocksdb::DBOptions options;
  if (env != nullptr) options.env = env;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.max_background_jobs = 2;
  const std::vector<rocksdb::ColumnFamilyDescriptor> wanted =
      descriptors(families_on_disk(options, dir), families);
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, wanted, &handles, &raw);
  if (!s.ok()) return Unexpected{Status::io_error("opening " + dir + ": " + s.ToString())};
  std::unique_ptr<Database> db(new Database());
  db->adopt(raw, wanted, handles);
  if (Status up = upgrade_log(*db, log_upgrade_progress); !up.is_ok()) return Unexpected{up};
  return db;
}

Expected<std::unique_ptr<Database>, Status> Database::open_follower(
    const std::string& dir, const std::string& scratch_dir,
    const std::vector<std::string>& families) {
  rocksdb::DBOptions options;
  options.max_open_files = -1;  // a secondary instance keeps every table file open
  const std::vector<std::string> on_disk = families_on_disk(options, dir);
  for (const std::string& name : families) {
    if (std::find(on_disk.begin(), on_disk.end(), name) == on_disk.end()) {
      return Unexpected{Status::io_error(fmt::format("{} has no column family {}", dir, name))};
    }
  }
  const std::vector<rocksdb::ColumnFamilyDescriptor> wanted = descriptors(on_disk, {});
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s =
      rocksdb::DB::OpenAsSecondary(options, dir, scratch_dir, wanted, &handles, &raw);
  if (!s.ok()) return Unexpected{Status::io_error("opening " + dir + ": " + s.ToString())};
  std::unique_ptr<Database> db(new Database());
  db->adopt(raw, wanted, handles);
  // What the primary wrote since its last flush is in its WAL: read it too.
  if (s = raw->TryCatchUpWithPrimary(); !s.ok()) {
    return Unexpected{Status::io_error("catching up with " + dir + ": " + s.ToString())};
  }
  return db;
}

void Database::adopt(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyDescriptor>& opened,
                     const std::vector<rocksdb::ColumnFamilyHandle*>& handles) {
  PL_ASSERT(opened.size() == handles.size(), "RocksDB gives a handle for each family opened");
  db_.reset(db);
  for (std::size_t i = 0; i < opened.size(); ++i)
    families_.emplace_back(opened[i].name, handles[i]);
  log_ = family(kLogFamily);
}

Database::~Database() {
  for (const auto& [name, handle] : families_) (void)db_->DestroyColumnFamilyHandle(handle);
}

rocksdb::ColumnFamilyHandle* Database::family(std::string_view name) const {
  for (const auto& [n, handle] : families_) {
    if (n != name) continue;
    PL_ASSERT(handle != nullptr, "a family whose reset failed is not used again");
    return handle;
  }
  PL_ASSERT(false, "a column family is named when its database is opened");
  return nullptr;
}

Status Database::reset_family(std::string_view name) {
  const auto it = std::find_if(families_.begin(), families_.end(),
                               [&](const auto& f) { return f.first == name; });
  PL_ASSERT(it != families_.end() && it->second != log_, "only an upper layer's family is reset");
  const std::string what(name);
  rocksdb::ColumnFamilyDescriptor descriptor;  // its options: the block cache it shares
  rocksdb::Status s = it->second->GetDescriptor(&descriptor);
  if (!s.ok()) return Status::io_error("reading the options of " + what + ": " + s.ToString());
  s = db_->DropColumnFamily(it->second);
  if (!s.ok()) return Status::io_error("dropping " + what + ": " + s.ToString());
  (void)db_->DestroyColumnFamilyHandle(it->second);
  it->second = nullptr;
  s = db_->CreateColumnFamily(descriptor.options, what, &it->second);
  if (!s.ok()) return Status::io_error("creating " + what + ": " + s.ToString());
  return Status::ok();
}

}  // namespace payledger::eventstore
