#pragma once
// What the API reads from the views, for any object of any resource. Every lookup is scoped to a
// merchant: another merchant's object is simply not found.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "domain/expected.h"
#include "domain/types.h"
#include "eventstore/database.h"
#include "eventstore/status.h"
#include "projections/ledger.h"

namespace payledger::projections {

struct ListRequest {
  std::string object;  // "payment_intent"
  std::string merchant;
  domain::Metadata filters;                   // filter name -> value; all must match
  int limit = 10;                             // REQUIRES: 1..100
  std::optional<std::string> starting_after;  // an id: the page after it (older objects)
  std::optional<std::string> ending_before;   // an id: the page before it (newer objects)
  // Further, a test of each object's index values (every one is read): filters no single list
  // answers, as the Events API's type wildcards and created ranges.
  std::function<bool(const domain::Metadata& index)> accept = {};
};

struct ListPage {
  std::vector<std::string> ids;      // newest first
  std::vector<std::string> objects;  // rendered JSON, in the order of ids
  bool has_more = false;             // more objects lie beyond the page, in its direction
};

struct DueStream {
  std::int64_t due_at = 0;
  std::string stream_id;
  std::string merchant;
};

class Queries {
 public:
  // REQUIRES: `db` outlives the queries.
  explicit Queries(eventstore::Database& db) : db_(db) {}

  // The rendered object; nullopt when the merchant has no such object. A deleted object is its
  // tombstone {id, object, deleted: true}.
  Expected<std::optional<std::string>, eventstore::Status> object(const std::string& object,
                                                                  const std::string& merchant,
                                                                  const std::string& id) const;
  // The merchant that owns the key with this SHA-256 (hex), if any.
  Expected<std::optional<std::string>, eventstore::Status> merchant_for_key(
      const std::string& key_sha256) const;
  // Status::not_found names the cursor parameter whose id the merchant does not have.
  Expected<ListPage, eventstore::Status> list(const ListRequest& request) const;
  // The merchant's ledger account totals (projections/ledger.h), by currency then account.
  Expected<std::vector<AccountTotals>, eventstore::Status> account_totals(
      const std::string& merchant) const;
  // Streams whose time-driven work is due at or before `now`, oldest first.
  Expected<std::vector<DueStream>, eventstore::Status> due(std::int64_t now,
                                                           std::size_t max_items) const;
  // Streams living on the test clock `clock` whose work is due at or before `up_to` (clock
  // time), oldest first.
  Expected<std::vector<DueStream>, eventstore::Status> due_on_clock(const std::string& clock,
                                                                    std::int64_t up_to,
                                                                    std::size_t max_items) const;

 private:
  Expected<std::optional<std::string>, eventstore::Status> get(const std::string& key) const;
  Expected<bool, eventstore::Status> matches(const ListRequest& req, const std::string& id) const;
  eventstore::Database& db_;
};

}  // namespace payledger::projections
