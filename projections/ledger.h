#pragma once
// The ledger (docs/ledger.md): every contract::Movement an event reports becomes a balance
// transaction (Stripe's object, id txn_...) whose double entries balance, a line of the journal
// in log order, and an addition to the merchant's account totals per currency. Deterministic:
// a rebuild from the log gives the same ids, documents and totals.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "contract/aggregate.h"
#include "domain/expected.h"
#include "eventstore/codec.h"
#include "eventstore/database.h"
#include "eventstore/status.h"
#include "projections/view_store.h"

namespace payledger::projections {

inline constexpr std::string_view kBalanceTransactionObject = "balance_transaction";
inline constexpr std::string_view kBalanceTransactionIdPrefix = "txn_";
// At most this many movements per event of the log; a movement's sequence number is
// position * kMovementsPerEvent + its index, which orders the journal.
inline constexpr std::uint64_t kMovementsPerEvent = 8;

// The accounts of each merchant and currency. Balances are debits minus credits for an asset,
// credits minus debits for a liability.
//   settlement:        asset: money the card networks owe payledger for the merchant's charges
//                      (or what payledger holds of it)
//   merchant_balance:  liability: what payledger owes the merchant (Stripe's "available")
inline constexpr std::string_view kSettlementAccount = "settlement";
inline constexpr std::string_view kMerchantBalanceAccount = "merchant_balance";

struct Entry {
  std::string account;
  std::int64_t debit_minor = 0;
  std::int64_t credit_minor = 0;
};

// The double entries of a movement: money in debits settlement and credits the merchant's
// balance; money out the other way round. They always balance.
std::vector<Entry> entries_of(const contract::Movement& m);

// The id of the balance transaction with sequence number `sequence`.
std::string balance_transaction_id(std::uint64_t sequence);

// Stripe's balance transaction: {id, object, amount, available_on, created, currency,
// description, exchange_rate, fee, fee_details, net, reporting_category, source, status, type}.
std::string balance_transaction_json(std::string_view id, const contract::Movement& m,
                                     domain::UnixSeconds created);

// Writes the movements of the event at `position` (document, lists, journal, account totals)
// into `batch`, which reads its own writes so totals add up within one batch too.
eventstore::Status book_movements(const eventstore::EventHeader& header, std::uint64_t position,
                                  const std::vector<contract::Movement>& moved, ViewBatch& batch);

// One account's totals, as the views keep them.
struct AccountTotals {
  std::string currency;
  std::string account;
  std::int64_t debits_minor = 0;
  std::int64_t credits_minor = 0;
  std::uint64_t transactions = 0;
};

// Every account total of `merchant`, by currency then account.
Expected<std::vector<AccountTotals>, eventstore::Status> account_totals(
    const eventstore::Database& db, const std::string& merchant);

// A line of the journal: one balance transaction and its entries, in log order.
struct JournalLine {
  std::uint64_t sequence = 0;
  std::string merchant;
  std::string id;
  std::string currency;
  std::vector<Entry> entries;
};

// Calls `visit` with every journal line in log order, up to sequence `last_sequence`.
eventstore::Status read_journal(const eventstore::Database& db, std::uint64_t last_sequence,
                                const std::function<void(const JournalLine&)>& visit);

}  // namespace payledger::projections
