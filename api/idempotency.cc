#include "api/idempotency.h"

#include <memory>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "json/reader.h"
#include "json/writer.h"

namespace payledger::api {

std::string encode_record(const IdempotencyRecord& r) {
  json::Writer w;
  w.begin_object();
  w.text("request_hmac", r.request_hmac);
  w.number("status", r.http_status);
  w.text("body", r.body);
  w.number("created", r.created);
  w.end_object();
  return w.take();
}

std::optional<IdempotencyRecord> decode_record(std::string_view json) {
  json::Parser parser;
  json::Value root;
  if (!parser.parse(json, &root) || !root.is_object()) {
    return std::nullopt;
  }
  json::ReadError error;
  const json::Reader r(root, error);
  IdempotencyRecord record;
  json::Value hmac;
  record.legacy_sha256 = !root.member("request_hmac", &hmac);
  record.request_hmac = r.str(record.legacy_sha256 ? "request_sha256" : "request_hmac");
  record.http_status = static_cast<int>(r.i64("status"));
  record.body = r.str("body");
  record.created = r.i64("created");
  if (error.failed()) return std::nullopt;
  return record;
}

std::string idempotency_store_key(const std::string& merchant, const std::string& key) {
  std::string k = merchant;
  k.push_back('\0');
  k += key;
  return k;
}

Expected<std::optional<IdempotencyRecord>, eventstore::Status> find_record(
    eventstore::Database& db, const std::string& store_key, std::int64_t now) {
  std::string value;
  rocksdb::Status s =
      db.db()->Get(rocksdb::ReadOptions(), api::idempotency_family(db), store_key, &value);
  if (s.IsNotFound()) return std::optional<IdempotencyRecord>();
  if (!s.ok()) return Unexpected{eventstore::Status::io_error(s.ToString())};
  auto record = decode_record(value);
  if (!record) return Unexpected{eventstore::Status::corruption("idempotency record")};
  if (now - record->created >= kIdempotencyTtlSeconds) return std::optional<IdempotencyRecord>();
  return record;
}

Expected<std::size_t, eventstore::Status> purge_expired_records(eventstore::Database& db,
                                                                std::int64_t now) {
  rocksdb::WriteBatch batch;
  std::size_t purged = 0;
  std::unique_ptr<rocksdb::Iterator> it(
      db.db()->NewIterator(rocksdb::ReadOptions(), api::idempotency_family(db)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto record = decode_record(it->value().ToString());
    if (record && now - record->created < kIdempotencyTtlSeconds) continue;
    (void)batch.Delete(api::idempotency_family(db), it->key());
    ++purged;
  }
  if (!it->status().ok()) return Unexpected{eventstore::Status::io_error(it->status().ToString())};
  rocksdb::Status s = db.db()->Write(rocksdb::WriteOptions(), &batch);
  if (!s.ok()) return Unexpected{eventstore::Status::io_error(s.ToString())};
  return purged;
}

bool InFlightKeys::try_begin(const std::string& store_key) {
  std::lock_guard lock(mu_);
  return keys_.insert(store_key).second;
}

void InFlightKeys::end(const std::string& store_key) {
  std::lock_guard lock(mu_);
  keys_.erase(store_key);
}

}  // namespace payledger::api
