#include "projections/view_store.h"

#include <rocksdb/write_batch.h>

namespace payledger::projections {
namespace {

std::string join(std::string_view prefix, std::string_view merchant, std::string_view id) {
  std::string k(prefix);
  k.append(merchant);
  k.push_back('\0');
  k.append(id);
  return k;
}

// Newest first: the list key holds the bitwise complement of the creating event's position.
std::string list_key(std::string_view prefix, std::string_view merchant, eventstore::Position p) {
  std::string k(prefix);
  k.append(merchant);
  k.push_back('\0');
  eventstore::put_be64(k, ~p.value);
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
std::string ViewKeys::parked(std::string_view stream_id, std::uint64_t version) {
  std::string k = std::string(kParkedPrefix) + std::string(stream_id);
  k.push_back('\0');
  eventstore::put_be64(k, version);
  return k;
}
std::string ViewKeys::stream_version(std::string_view stream_id) {
  return "v/" + std::string(stream_id);
}
std::string ViewKeys::intent(std::string_view merchant, std::string_view id) {
  return join("pi/", merchant, id);
}
std::string ViewKeys::intent_position(std::string_view merchant, std::string_view id) {
  return join("px/", merchant, id);
}
std::string ViewKeys::intent_list(std::string_view merchant, eventstore::Position created_at) {
  return list_key("pl/", merchant, created_at);
}
std::string ViewKeys::intent_list_prefix(std::string_view merchant) {
  return join("pl/", merchant, "");
}
std::string ViewKeys::refund(std::string_view merchant, std::string_view id) {
  return join("re/", merchant, id);
}
std::string ViewKeys::refund_position(std::string_view merchant, std::string_view id) {
  return join("rx/", merchant, id);
}
std::string ViewKeys::refund_list(std::string_view merchant, eventstore::Position created_at) {
  return list_key("rl/", merchant, created_at);
}
std::string ViewKeys::refund_list_prefix(std::string_view merchant) {
  return join("rl/", merchant, "");
}
std::string ViewKeys::api_key(std::string_view key_sha256) {
  return "k/" + std::string(key_sha256);
}
std::string ViewKeys::merchant(std::string_view merchant) {
  return "m/" + std::string(merchant);
}
std::string ViewKeys::due(std::int64_t due_at, std::string_view merchant, std::string_view id) {
  std::string k(kDuePrefix);
  eventstore::put_be64(k, static_cast<std::uint64_t>(due_at));
  k.append(merchant);
  k.push_back('\0');
  k.append(id);
  return k;
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
