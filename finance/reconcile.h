#pragma once
// `payledger reconcile`: folds the log alone (never the views) into totals per merchant and
// currency and counts per object and status, then compares them with what the views say: the
// ledger's journal (every balance transaction), and, when the views have reached the same
// position, the account totals GET /v1/balance answers from and every rendered document.
// docs/ledger.md, "Reconciling".
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "contract/registry.h"
#include "domain/expected.h"
#include "eventstore/database.h"
#include "eventstore/status.h"

namespace payledger::finance {

struct ReconcileOptions {
  std::optional<std::int64_t> at;         // only events that occurred at or before (Unix s)
  std::optional<std::uint64_t> position;  // only the log up to this position
  std::optional<std::string> merchant;    // only this merchant
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
};

// Money of one merchant in one currency, in minor units.
struct MoneyTotals {
  std::int64_t gross_minor = 0;     // in: captures and payments
  std::int64_t refunded_minor = 0;  // out: refunds (a positive number)
  std::uint64_t transactions = 0;
  std::int64_t net_minor() const { return gross_minor - refunded_minor; }
  bool operator==(const MoneyTotals&) const = default;
};

using MerchantCurrency = std::pair<std::string, std::string>;
using ObjectStatus = std::tuple<std::string, std::string, std::string>;  // merchant, object, status

struct ReconcileReport {
  std::uint64_t position = 0;        // the log was folded up to here
  std::uint64_t views_position = 0;  // where the views stand
  bool views_compared = false;       // the views stood at `position`: documents were compared
  std::map<MerchantCurrency, MoneyTotals> log;     // from the log
  std::map<MerchantCurrency, MoneyTotals> ledger;  // the views' balance transactions
  // The views' merchant_balance account (what GET /v1/balance answers), when compared.
  std::map<MerchantCurrency, std::int64_t> balance_minor;
  std::map<ObjectStatus, std::uint64_t> counts;  // documents with a status, from the log
  std::uint64_t documents_compared = 0;
  std::vector<std::string> differences;
  bool ok() const { return differences.empty(); }
};

// The position to fold up to: `position` if given, the views' checkpoint otherwise (so that a
// running payledgerd's views are compared at the point they stand).
Expected<ReconcileReport, eventstore::Status> reconcile(const eventstore::Database& db,
                                                        const contract::Registry& registry,
                                                        const ReconcileOptions& options);

}  // namespace payledger::finance
