#include "api/idempotency.h"

#include <memory>

#include <rocksdb/write_batch.h>
#include <nlohmann/json.hpp>

namespace payledger::api {

std::string encode_record(const IdempotencyRecord& r) {
  return nlohmann::ordered_json{{"request_hmac", r.request_hmac},
                                {"status", r.http_status},
                                {"body", r.body},
                                {"created", r.created}}
      .dump();
}

std::optional<IdempotencyRecord> decode_record(std::string_view json) {
  auto j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  IdempotencyRecord r;
  try {
    r.legacy_sha256 = !j.contains("request_hmac");
    r.request_hmac = j.at(r.legacy_sha256 ? "request_sha256" : "request_hmac").get<std::string>();
    r.http_status = j.at("status").get<int>();
    r.body = j.at("body").get<std::string>();
    r.created = j.at("created").get<std::int64_t>();
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
  return r;
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
  rocksdb::Status s = db.db()->Get(rocksdb::ReadOptions(), db.idempotency(), store_key, &value);
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
      db.db()->NewIterator(rocksdb::ReadOptions(), db.idempotency()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto record = decode_record(it->value().ToString());
    if (record && now - record->created < kIdempotencyTtlSeconds) continue;
    (void)batch.Delete(db.idempotency(), it->key());
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
