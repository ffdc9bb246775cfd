#pragma once
// `payledger export`: rows for a spreadsheet or a database, streamed with a header and a stable
// column order; amounts both in minor units and as a decimal in the currency's major unit.
// docs/ledger.md, "Exporting".
#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>

#include "contract/registry.h"
#include "eventstore/database.h"
#include "eventstore/status.h"

namespace payledger::finance {

enum class ExportWhat { balance_transactions, events, payments };
enum class ExportFormat { csv, jsonl };

struct ExportOptions {
  ExportWhat what = ExportWhat::balance_transactions;
  ExportFormat format = ExportFormat::csv;
  std::optional<std::int64_t> from;  // created (occurred_at) at or after, Unix seconds
  std::optional<std::int64_t> to;    // created before, Unix seconds
  std::optional<std::string> merchant;
};

// Writes every row to `out`, the header first (csv). Balance transactions come in log order from
// the views' journal, events from the log, payments from the views' stream records of every
// aggregate that takes payments (contract::Aggregate::payment_summary: PaymentIntents and
// Direct API payments), in registry order, then stream id order. Returns how many rows, or an
// I/O error.
Expected<std::uint64_t, eventstore::Status> export_rows(const eventstore::Database& db,
                                                        const contract::Registry& registry,
                                                        const ExportOptions& options,
                                                        std::ostream& out);

// `minor` in the major unit of `currency`, as text: 1234 usd -> "12.34", 1234 jpy -> "1234",
// -5 usd -> "-0.05".
std::string decimal_amount(std::int64_t minor, const std::string& currency);

}  // namespace payledger::finance
