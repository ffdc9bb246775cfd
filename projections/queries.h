#pragma once
// What the API reads from the views. Every lookup is scoped to a merchant: another merchant's
// object is simply not found.
#include <optional>
#include <string>
#include <vector>

#include "domain/expected.h"
#include "eventstore/database.h"
#include "eventstore/status.h"

namespace payledger::projections {

enum class ListKind { payment_intents, refunds };

struct ListRequest {
  ListKind kind = ListKind::payment_intents;
  std::string merchant;
  int limit = 10;                             // REQUIRES: 1..100
  std::optional<std::string> starting_after;  // an id: the page after it (older objects)
  std::optional<std::string> ending_before;   // an id: the page before it (newer objects)
};

struct ListPage {
  std::vector<std::string> ids;      // newest first
  std::vector<std::string> objects;  // rendered JSON, in the order of ids
  bool has_more = false;             // more objects lie beyond the page, in its direction
};

struct DueIntent {
  std::int64_t due_at = 0;
  std::string merchant;
  std::string id;
};

class Queries {
 public:
  // REQUIRES: `db` outlives the queries.
  explicit Queries(eventstore::Database& db) : db_(db) {}

  // nullopt when the merchant has no such object.
  Expected<std::optional<std::string>, eventstore::Status> intent(const std::string& merchant,
                                                                  const std::string& id) const;
  Expected<std::optional<std::string>, eventstore::Status> refund(const std::string& merchant,
                                                                  const std::string& id) const;
  // The merchant that owns the key with this SHA-256 (hex), if any.
  Expected<std::optional<std::string>, eventstore::Status> merchant_for_key(
      const std::string& key_sha256) const;
  // Status::not_found names the cursor parameter whose id the merchant does not have.
  Expected<ListPage, eventstore::Status> list(const ListRequest& request) const;
  // Intents whose expiry or settlement is due at or before `now`, oldest first.
  Expected<std::vector<DueIntent>, eventstore::Status> due(std::int64_t now,
                                                           std::size_t max_items) const;

 private:
  Expected<std::optional<std::string>, eventstore::Status> get(const std::string& key) const;
  eventstore::Database& db_;
};

}  // namespace payledger::projections
