#pragma once
// What webhook delivery keeps, in the `webhooks` column family (docs/storage-format.md,
// "Webhook deliveries"). Not a view: rebuilding the views must not deliver anything again.
//
//   c                                   be64 log position the deliveries are queued through
//   n                                   be64 the next attempt's number
//   q/<endpoint> NUL <be64 due><be64 sequence><kind>   a delivery that waits (Pending)
//   t/<endpoint> NUL <be64 attempt number>              an attempt made (the API's object)
//
// `sequence` is the public event's (projections/public_events.h); kind is 'a' for the
// scheduled delivery, 'm' for a retry asked by the merchant.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/expected.h"
#include "eventstore/database.h"
#include "eventstore/status.h"

namespace payledger::webhooks {

// The column family of deliveries: the worker's checkpoint, what waits, every attempt. Not a
// view, since a replay must not deliver again.
inline constexpr std::string_view kWebhooksFamily = "webhooks";
// The deliveries' family of `db`. REQUIRES: `db` was opened with it (or found it on disk).
inline rocksdb::ColumnFamilyHandle* webhooks_family(const eventstore::Database& db) {
  return db.family(kWebhooksFamily);
}

// One event that waits to be sent to one endpoint.
struct Pending {
  std::string endpoint;
  std::int64_t due_at = 0;     // Unix seconds
  std::uint64_t sequence = 0;  // the public event's
  bool manual = false;         // a retry asked by the merchant: one attempt, off the schedule
  std::string merchant;
  std::string event_id;
  std::string type;
  int attempts = 0;           // made so far
  std::int64_t first_at = 0;  // when it was first queued

  std::string key() const;
  std::string value() const;
  // Fields from `key` and `value`; corruption says what is wrong.
  static Expected<Pending, eventstore::Status> parse(std::string_view key, std::string_view value);
};

// One attempt to deliver, as GET <the endpoints' path>/{id}/attempts shows it.
struct Attempt {
  std::uint64_t number = 0;  // id "wha_<number>", ordered by time
  std::string endpoint;
  std::string event_id;
  std::string type;
  std::int64_t created = 0;
  int attempt = 0;  // 1 for the first of its delivery
  bool manual = false;
  int status_code = 0;  // 0: no HTTP answer
  std::int64_t latency_ms = 0;
  std::string error;    // empty: none
  std::string outcome;  // "succeeded", "retrying", "failed"
  std::optional<std::int64_t> next_attempt_at;

  std::string key() const;
  // Its API object: "<endpoint_object>.attempt", naming its endpoint in field <endpoint_object>
  // (the EndpointSource's object, "webhook_endpoint").
  std::string json(std::string_view endpoint_object) const;
};

struct StoreKeys {
  static constexpr std::string_view kCheckpoint = "c";
  static constexpr std::string_view kNextAttempt = "n";
  // Every key of one endpoint's queue or attempts starts with these.
  static std::string queue_prefix(std::string_view endpoint);
  static std::string attempts_prefix(std::string_view endpoint);
  static std::string attempt(std::string_view endpoint, std::uint64_t number);
  static constexpr std::string_view kQueues = "q/";
  // The endpoint a queue key belongs to.
  static std::string_view endpoint_of_queue_key(std::string_view key);
};

}  // namespace payledger::webhooks
