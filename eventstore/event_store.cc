#include "eventstore/event_store.h"

#include <unordered_map>

#include <rocksdb/db.h>
#include <rocksdb/iterator.h>
#include <rocksdb/write_batch.h>
#include <simdjson.h>

#include "domain/assert.h"
#include "eventstore/log_scan.h"

namespace payledger::eventstore {
namespace {

constexpr std::size_t kMaxGroupAppends = 4096;

}  // namespace

void put_be64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}

std::uint64_t get_be64(const char* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

std::string event_key(Position p) {
  std::string k = "g";
  put_be64(k, p.value);
  return k;
}

std::string stream_index_key(const std::string& stream_id, std::uint64_t version) {
  std::string k = "s" + stream_id;
  k.push_back('\0');
  put_be64(k, version);
  return k;
}

EventStore::EventStore(Database& db, StoreObserver* observer)
    : db_(db), observer_(observer), durable_(last_event_position(db)) {
  written_position_ = durable_.reached();
  const Status head = read_chain_hash(db_, written_position_, &chain_head_);
  // Database::open brought the log to the chained format: a missing head hash is damage.
  PL_ASSERT(head.is_ok(), "the last event of the log has its hash");
  syncer_ = std::thread([this] { syncer_loop(); });
  writer_ = std::thread([this] { writer_loop(); });
}

EventStore::~EventStore() {
  {
    std::lock_guard lock(queue_mu_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  writer_.join();  // every queued append is written
  {
    std::lock_guard lock(written_mu_);
    writer_done_ = true;
  }
  written_cv_.notify_all();
  syncer_.join();  // ... and synced and acknowledged
  wake_all();
}

Expected<AppendResult, Status> EventStore::append(AppendRequest request) {
  for (std::size_t i = 0; i < request.streams.size(); ++i) {
    const std::string& id = request.streams[i].stream_id;
    if (id.empty() || id.find('\0') != std::string::npos) {
      return Unexpected{Status::invalid_argument("stream id must be non-empty, without NUL")};
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (request.streams[j].stream_id == id) {
        return Unexpected{Status::invalid_argument("stream " + id + " is named twice")};
      }
    }
    // Every string in the log is valid UTF-8: analysts' tools and Kafka consumers read it as
    // such, and the log is never rewritten.
    for (const std::string& event : request.streams[i].events) {
      if (!simdjson::validate_utf8(event.data(), event.size())) {
        return Unexpected{
            Status::invalid_argument("an event of stream " + id + " is not valid UTF-8")};
      }
    }
  }
  auto pending = std::make_unique<Pending>();
  pending->request = std::move(request);
  auto result = pending->done.get_future();
  {
    std::lock_guard lock(queue_mu_);
    if (stopping_) return Unexpected{Status::io_error("event store is shutting down")};
    queue_.push_back(std::move(pending));
  }
  queue_cv_.notify_one();
  return result.get();
}

void EventStore::writer_loop() {
  for (;;) {
    std::vector<std::unique_ptr<Pending>> group;
    {
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and every queued append is written
      while (!queue_.empty() && group.size() < kMaxGroupAppends) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    Written w = write_group(std::move(group));
    {
      std::lock_guard lock(written_mu_);
      written_.push_back(std::move(w));
    }
    written_cv_.notify_one();
  }
}

// Syncs the WAL once for every group written so far, then publishes and acknowledges them.
// A group is acknowledged only by a sync that began after its write returned.
void EventStore::syncer_loop() {
  for (;;) {
    std::deque<Written> batch;
    {
      std::unique_lock lock(written_mu_);
      written_cv_.wait(lock, [&] { return writer_done_ || !written_.empty(); });
      if (written_.empty()) return;  // the writer is done, and everything it wrote is synced
      batch.swap(written_);
    }
    const auto started = std::chrono::steady_clock::now();
#ifndef PAYLEDGER_MUTANT_NO_SYNC
    rocksdb::Status s = db_.db()->SyncWAL();
#else
    // Only in tests/ (test_power_loss_mutant): acknowledging without the sync must lose writes
    // at a power cut, and the power-loss test must notice.
    rocksdb::Status s;
#endif
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    // A failed WAL sync means the disk lost writes RocksDB already made visible in memory; no
    // later append could be trusted either.
    PL_ASSERT(s.ok(), "the WAL syncs (disk full or failing?)");
    PL_ASSERT(batch.back().last >= durable_.reached(), "positions only grow");
    durable_.advance(batch.back().last);
    std::size_t appends = 0;
    std::size_t events = 0;
    for (Written& w : batch) {
      appends += w.group.size();
      events += w.events;
      for (std::size_t i = 0; i < w.group.size(); ++i) {
        w.group[i]->done.set_value(std::move(w.results[i]));
      }
    }
    if (observer_ != nullptr) observer_->group_committed(appends, events, took.count());
  }
}

// Checks every append of the group against the stream heads (as earlier groups and this one
// leave them), then writes the accepted ones in one batch, not yet synced. Rejected appends take
// no position.
EventStore::Written EventStore::write_group(std::vector<std::unique_ptr<Pending>> group) {
  rocksdb::WriteBatch batch;
  std::unordered_map<std::string, std::uint64_t> heads;
  Written w;
  w.results.reserve(group.size());
  std::uint64_t next = written_position_ + 1;
  for (auto& p : group) {
    AppendRequest& r = p->request;
    Status at = Status::ok();
    for (const StreamAppend& sa : r.streams) {
      auto head_it = heads.find(sa.stream_id);
      at = head_it != heads.end()
               ? version_matches(sa.stream_id, head_it->second, sa.expected_version)
               : stream_at(sa.stream_id, sa.expected_version);
      if (!at.is_ok()) break;
    }
    if (!at.is_ok()) {
      w.results.emplace_back(Unexpected{at});
      continue;
    }
    const AppendResult placed = place(r, next, batch);
    for (const StreamAppend& sa : r.streams) {
      heads[sa.stream_id] = sa.expected_version + sa.events.size();
    }
    w.events += placed.last.value + 1 - placed.first.value;
    next = placed.last.value + 1;
    w.results.emplace_back(placed);
  }
  // Not synced here: the syncer makes it durable (and visible to readers) with later groups.
  rocksdb::Status s = db_.db()->Write(rocksdb::WriteOptions(), &batch);
  // A failed WAL write leaves RocksDB read-only; no later append could be trusted either.
  PL_ASSERT(s.ok(), "the log accepts every write (disk full or failing?)");
  written_position_ = next - 1;
  w.last = written_position_;
  w.group = std::move(group);
  return w;
}

// Puts an accepted append's events (from position `next`), their chain hashes, stream index
// entries and the side writes into `batch`.
AppendResult EventStore::place(const AppendRequest& r, std::uint64_t next,
                               rocksdb::WriteBatch& batch) {
  const Position first{next};
  for (const StreamAppend& sa : r.streams) {
    for (std::size_t i = 0; i < sa.events.size(); ++i) {
      std::string pos;
      put_be64(pos, next);
      (void)batch.Put(db_.log(), event_key(Position{next}), sa.events[i]);
      chain_head_ = chain_next(chain_head_, next, sa.events[i]);
      (void)batch.Put(
          db_.log(), chain_key(next),
          rocksdb::Slice(reinterpret_cast<const char*>(chain_head_.data()), chain_head_.size()));
      (void)batch.Put(db_.log(), stream_index_key(sa.stream_id, sa.expected_version + i + 1), pos);
      ++next;
    }
  }
  for (const SideWrite& w : r.side_writes) {
    PL_ASSERT(w.family != nullptr && w.family != db_.log(), "a side write goes to its own family");
    (void)batch.Put(w.family, w.key, w.value);
  }
  return AppendResult{first, Position{next - 1}};
}

// Versions are gapless, so a stream is at version v exactly when its index has v (or v is 0)
// and not v + 1: two point reads, the second usually answered by the memtable's bloom filter.
Status EventStore::stream_at(const std::string& stream_id, std::uint64_t version) const {
  std::string ignored;
  const rocksdb::ReadOptions read;
  if (version > 0) {
    rocksdb::Status s =
        db_.db()->Get(read, db_.log(), stream_index_key(stream_id, version), &ignored);
    if (s.IsNotFound()) return conflict(stream_id, version);
    if (!s.ok()) return Status::io_error(s.ToString());
  }
  rocksdb::Status s =
      db_.db()->Get(read, db_.log(), stream_index_key(stream_id, version + 1), &ignored);
  if (s.ok()) return conflict(stream_id, version);
  if (!s.IsNotFound()) return Status::io_error(s.ToString());
  return Status::ok();
}

Status EventStore::version_matches(const std::string& stream_id, std::uint64_t head,
                                   std::uint64_t expected) {
  if (head == expected) return Status::ok();
  return Status::conflict("stream " + stream_id + " is at version " + std::to_string(head) +
                          ", expected " + std::to_string(expected));
}

// The rare path: finds where the stream really is, to say so.
Status EventStore::conflict(const std::string& stream_id, std::uint64_t expected) const {
  auto head = stream_version(stream_id);
  if (!head) return head.error();
  return version_matches(stream_id, *head, expected);
}

Expected<std::uint64_t, Status> EventStore::stream_version(const std::string& stream_id) const {
  std::string prefix = "s" + stream_id;
  prefix.push_back('\0');
  std::unique_ptr<rocksdb::Iterator> it(db_.db()->NewIterator(rocksdb::ReadOptions(), db_.log()));
  it->SeekForPrev(prefix + std::string(8, '\xff'));
  if (!it->status().ok()) return Unexpected{Status::io_error(it->status().ToString())};
  if (!it->Valid() || !it->key().starts_with(prefix)) return std::uint64_t{0};
  if (it->key().size() != prefix.size() + 8) {
    return Unexpected{Status::corruption("stream index of " + stream_id)};
  }
  return get_be64(it->key().data() + prefix.size());
}

Status EventStore::read_stream(const std::string& stream_id, std::vector<StoredEvent>* out) const {
  out->clear();
  std::string prefix = "s" + stream_id;
  prefix.push_back('\0');
  std::vector<std::string> keys;
  std::unique_ptr<rocksdb::Iterator> it(db_.db()->NewIterator(rocksdb::ReadOptions(), db_.log()));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (it->value().size() != 8) return Status::corruption("stream index of " + stream_id);
    keys.push_back(event_key(Position{get_be64(it->value().data())}));
  }
  if (!it->status().ok()) return Status::io_error(it->status().ToString());
  // The index may name events written but not yet synced: wait until they are durable, so that
  // no decision is ever made on an event a crash could still take back.
  if (!keys.empty()) {
    const Position newest{get_be64(keys.back().data() + 1)};
    if (!wait_for(newest, std::chrono::seconds(30))) {
      return Status::io_error("event " + std::to_string(newest.value) + " is not synced in 30 s");
    }
  }
  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  std::vector<std::string> values;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs(keys.size(), db_.log());
  auto statuses = db_.db()->MultiGet(rocksdb::ReadOptions(), cfs, slices, &values);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (!statuses[i].ok()) return Status::corruption("missing event of stream " + stream_id);
    out->push_back({Position{get_be64(keys[i].data() + 1)}, std::move(values[i])});
  }
  return Status::ok();
}

Status EventStore::read_all(Position from, std::size_t max_events,
                            std::vector<StoredEvent>* out) const {
  out->clear();
  rocksdb::ReadOptions options;
  const std::string upper = "h";  // the byte after 'g': no event key reaches it
  rocksdb::Slice upper_slice(upper);
  options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_.db()->NewIterator(options, db_.log()));
  std::uint64_t expect = from.value == 0 ? 1 : from.value;
  const std::uint64_t durable = durable_.reached();  // later events may still be unsynced
  for (it->Seek(event_key(Position{expect})); it->Valid() && out->size() < max_events; it->Next()) {
    const std::uint64_t pos = get_be64(it->key().data() + 1);
    if (pos > durable) break;
    PL_ASSERT(pos == expect, "global positions are gapless");
    out->push_back({Position{pos}, it->value().ToString()});
    ++expect;
  }
  if (!it->status().ok()) return Status::io_error(it->status().ToString());
  return Status::ok();
}

bool EventStore::wait_for(Position p, std::chrono::milliseconds timeout) const {
  return durable_.wait_for(p.value, timeout);
}

void EventStore::wake_all() const {
  durable_.wake_all();
}

}  // namespace payledger::eventstore
