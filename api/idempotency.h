#pragma once
// Idempotency-Key support: the stored response of a request, written in the same atomic batch
// as the events the request produced, and the set of keys whose request is running now.
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "domain/expected.h"
#include "eventstore/database.h"
#include "eventstore/status.h"

namespace payledger::api {

// The column family of idempotency records, written with the events they made (side writes).
inline constexpr std::string_view kIdempotencyFamily = "idempotency";
// The records' family of `db`. REQUIRES: `db` was opened with it (or found it on disk).
inline rocksdb::ColumnFamilyHandle* idempotency_family(const eventstore::Database& db) {
  return db.family(kIdempotencyFamily);
}

inline constexpr std::int64_t kIdempotencyTtlSeconds = 24 * 3600;
inline constexpr std::size_t kMaxIdempotencyKeyChars = 255;

struct IdempotencyRecord {
  // HMAC-SHA256 (Secrets, "idempotency") of the first request's method, path and parameters
  std::string request_hmac;
  int http_status = 200;
  std::string body;
  std::int64_t created = 0;
  // Written before the fingerprint was keyed: request_hmac holds an unkeyed SHA-256 of the same
  // text (records live 24 hours; such records are gone a day after the upgrade).
  bool legacy_sha256 = false;
};

std::string encode_record(const IdempotencyRecord& r);
std::optional<IdempotencyRecord> decode_record(std::string_view json);
std::string idempotency_store_key(const std::string& merchant, const std::string& key);

// The record under `store_key` when there is one younger than the TTL at `now`.
Expected<std::optional<IdempotencyRecord>, eventstore::Status> find_record(
    eventstore::Database& db, const std::string& store_key, std::int64_t now);

// Deletes records older than the TTL (they are no longer honoured). Returns how many.
Expected<std::size_t, eventstore::Status> purge_expired_records(eventstore::Database& db,
                                                                std::int64_t now);

// Keys whose first request is still running: a concurrent duplicate gets 409.
class InFlightKeys {
 public:
  bool try_begin(const std::string& store_key);
  void end(const std::string& store_key);

 private:
  std::mutex mu_;
  std::set<std::string> keys_;
};

}  // namespace payledger::api
