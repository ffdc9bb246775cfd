#include "projections/view_store.h"

#include <initializer_list>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

namespace payledger::projections {
namespace {

// prefix + each part, NUL-separated (ids, names and filter values hold no NUL).
std::string join(std::string_view prefix, std::initializer_list<std::string_view> parts) {
  std::string k(prefix);
  bool first = true;
  for (std::string_view p : parts) {
    if (!first) k.push_back('\0');
    first = false;
    k.append(p);
  }
  return k;
}

}  // namespace

std::string be64_string(std::uint64_t v) {
  std::string s;
  eventstore::put_be64(s, v);
  return s;
}

std::string ViewKeys::checkpoint(std::string_view projector) {
  return "c/" + std::string(projector);
}
std::string ViewKeys::checkpoint_above(std::string_view projector) {
  return "w/" + std::string(projector);
}
std::string ViewKeys::stream(std::string_view stream_id) {
  return "s/" + std::string(stream_id);
}
std::string ViewKeys::object(std::string_view object, std::string_view scope, std::string_view id) {
  return join("b/", {object, scope, id});
}
std::string ViewKeys::document(std::string_view object, std::string_view scope,
                               std::string_view id) {
  return join("p/", {object, scope, id});
}
std::string ViewKeys::list_prefix(std::string_view object, std::string_view scope,
                                  std::string_view filter, std::string_view value) {
  std::string k = join("l/", {object, scope, filter, value});
  k.push_back('\0');
  return k;
}
// Newest first: the key ends with the bitwise complement of the creating event's position.
std::string ViewKeys::list(std::string_view object, std::string_view scope, std::string_view filter,
                           std::string_view value, eventstore::Position created_at) {
  std::string k = list_prefix(object, scope, filter, value);
  eventstore::put_be64(k, ~created_at.value);
  return k;
}
std::string ViewKeys::clock_due_prefix(std::string_view clock) {
  std::string k(kClockDuePrefix);
  k.append(clock).append(1, '\0');
  return k;
}
std::string ViewKeys::due(std::int64_t due_at, std::string_view stream_id, std::string_view clock) {
  std::string k = clock.empty() ? std::string(kDuePrefix) : clock_due_prefix(clock);
  eventstore::put_be64(k, static_cast<std::uint64_t>(due_at));
  k.append(stream_id);
  return k;
}
std::string ViewKeys::announced(std::uint64_t sequence) {
  std::string k(kAnnouncedPrefix);
  eventstore::put_be64(k, sequence);
  return k;
}
std::string ViewKeys::quarantined(std::string_view projector, eventstore::Position p) {
  std::string k = join(kQuarantinePrefix, {projector, ""});
  eventstore::put_be64(k, p.value);
  return k;
}
std::string ViewKeys::poisoned(std::string_view projector, std::string_view stream_id) {
  return join("y/", {projector, stream_id});
}

eventstore::Status ViewBatch::get(const std::string& key, std::string* value) const {
  if (auto it = writes_.find(key); it != writes_.end()) {
    if (!it->second) return eventstore::Status::not_found(key);
    *value = *it->second;
    return eventstore::Status::ok();
  }
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf_, key, value);
  if (s.IsNotFound()) return eventstore::Status::not_found(key);
  if (!s.ok()) return eventstore::Status::io_error(s.ToString());
  return eventstore::Status::ok();
}

eventstore::Status ViewBatch::commit(bool wal) {
  rocksdb::WriteBatch batch;
  for (auto& [k, v] : writes_) {
    if (v) {
      (void)batch.Put(cf_, k, *v);
    } else {
      (void)batch.Delete(cf_, k);
    }
  }
  rocksdb::WriteOptions options;
  options.disableWAL = !wal;
  rocksdb::Status s = db_->Write(options, &batch);
  writes_.clear();
  if (!s.ok()) return eventstore::Status::io_error(s.ToString());
  return eventstore::Status::ok();
}

}  // namespace payledger::projections
