#include "projections/ledger.h"

#include <rocksdb/db.h>
#include <rocksdb/iterator.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "json/reader.h"
#include "json/writer.h"
#include "projections/documents.h"
#include "projections/public_events.h"
#include "projections/view_store.h"

namespace payledger::projections {
namespace {

using eventstore::Status;

// Balance transaction ids must not repeat public event ids of the same sequence number.
constexpr std::uint64_t kTransactionIdSalt = 0x7478'6e5f'6c65'6467ULL;  // "txn_ledg"

constexpr std::string_view kJournalPrefix = "j/";
constexpr std::string_view kTotalsPrefix = "k/";

std::string journal_key(std::uint64_t sequence) {
  std::string k(kJournalPrefix);
  eventstore::put_be64(k, sequence);
  return k;
}

std::string totals_prefix(std::string_view merchant) {
  std::string k(kTotalsPrefix);
  k.append(merchant).push_back('\0');
  return k;
}

std::string totals_key(std::string_view merchant, std::string_view currency,
                       std::string_view account) {
  std::string k = totals_prefix(merchant);
  k.append(currency).push_back('\0');
  k.append(account);
  return k;
}

std::string journal_json(std::string_view merchant, std::string_view id,
                         const contract::Movement& m, const std::vector<Entry>& entries) {
  json::Writer w;
  w.begin_object();
  w.text("merchant", merchant);
  w.text("id", id);
  w.text("currency", m.currency);
  w.key("entries");
  w.begin_array();
  for (const Entry& e : entries) {
    w.begin_object();
    w.text("account", e.account);
    w.number("debit", e.debit_minor);
    w.number("credit", e.credit_minor);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.take();
}

std::string totals_json(const AccountTotals& t) {
  json::Writer w;
  w.begin_object();
  w.number("debits", t.debits_minor);
  w.number("credits", t.credits_minor);
  w.number("transactions", static_cast<std::int64_t>(t.transactions));
  w.end_object();
  return w.take();
}

Status read_totals(std::string_view json, AccountTotals* t) {
  thread_local json::Parser parser;
  json::Value doc;
  if (!parser.parse(json, &doc)) {
    return Status::corruption("account totals are not JSON");
  }
  json::ReadError error;
  const json::Reader r(doc, error);
  t->debits_minor = r.i64("debits");
  t->credits_minor = r.i64("credits");
  t->transactions = static_cast<std::uint64_t>(r.i64("transactions"));
  if (error.failed()) return Status::corruption("account totals: " + error.what());
  return Status::ok();
}

// Adds `e` to its account's totals within the batch.
Status add_entry(std::string_view merchant, std::string_view currency, const Entry& e,
                 ViewBatch& batch) {
  const std::string key = totals_key(merchant, currency, e.account);
  std::string value;
  AccountTotals t;
  Status s = batch.get(key, &value);
  if (s.is_ok()) {
    if (s = read_totals(value, &t); !s.is_ok()) return s;
  } else if (s.code() != Status::Code::not_found) {
    return s;
  }
  t.debits_minor += e.debit_minor;
  t.credits_minor += e.credit_minor;
  t.transactions += 1;
  batch.put(key, totals_json(t));
  return Status::ok();
}

}  // namespace

std::vector<Entry> entries_of(const contract::Movement& m) {
  const std::int64_t amount = m.amount_minor;
  if (amount >= 0) {
    return {{std::string(kSettlementAccount), amount, 0},
            {std::string(kMerchantBalanceAccount), 0, amount}};
  }
  return {{std::string(kMerchantBalanceAccount), -amount, 0},
          {std::string(kSettlementAccount), 0, -amount}};
}

std::string balance_transaction_id(std::uint64_t sequence) {
  return sequence_id(kBalanceTransactionIdPrefix, sequence, kTransactionIdSalt);
}

std::string balance_transaction_json(std::string_view id, const contract::Movement& m,
                                     domain::UnixSeconds created) {
  json::Writer w;
  w.begin_object();
  w.text("id", id);
  w.text("object", kBalanceTransactionObject);
  w.number("amount", m.amount_minor);
  // Funds are available at once: payledger has no payout schedule (docs/ledger.md).
  w.number("available_on", created.value);
  w.number("created", created.value);
  w.text("currency", m.currency);
  w.key("description");
  w.null();
  w.key("exchange_rate");
  w.null();
  w.number("fee", 0);
  w.key("fee_details");
  w.begin_array();
  w.end_array();
  w.number("net", m.amount_minor);
  w.text("reporting_category", m.reporting_category);
  w.text("source", m.source);
  w.text("status", "available");
  w.text("type", m.type);
  w.end_object();
  return w.take();
}

Status book_movements(const eventstore::EventHeader& header, std::uint64_t position,
                      const std::vector<contract::Movement>& moved, ViewBatch& batch) {
  // A module's mistake loses the movements past the eighth, said in the log, never the
  // projection: the same on every rebuild, and reconcile shows the difference.
  if (moved.size() > kMovementsPerEvent) {
    spdlog::error("{} at position {} moves {} amounts; the first {} are booked", header.type,
                  position, moved.size(), kMovementsPerEvent);
  }
  const std::string& merchant = header.meta.merchant.value;
  const std::string_view object = kBalanceTransactionObject;
  for (std::size_t k = 0; k < std::min<std::size_t>(moved.size(), kMovementsPerEvent); ++k) {
    const contract::Movement& m = moved[k];
    const std::uint64_t sequence = position * kMovementsPerEvent + k;
    // Booked already (a redelivery, or a stream folded again from its first event): the totals
    // are sums, so they must not count it twice. Any order of positions is fine (a Kafka node
    // gets topics interleaved).
    std::string booked;
    Status seen = batch.get(journal_key(sequence), &booked);
    if (seen.is_ok()) continue;
    if (seen.code() != Status::Code::not_found) return seen;
    const std::string id = balance_transaction_id(sequence);
    const std::vector<Entry> entries = entries_of(m);
    const eventstore::Position list_position{sequence};
    const domain::Metadata index{{"type", std::string(m.type)},
                                 {"currency", m.currency},
                                 {"source", m.source},
                                 {"created", std::to_string(header.meta.occurred_at.value)}};
    batch.put(ViewKeys::object(object, merchant, id),
              balance_transaction_json(id, m, header.meta.occurred_at));
    batch.put(ViewKeys::document(object, merchant, id), encode_document_meta(list_position, index));
    batch.put(ViewKeys::list(object, merchant, "", "", list_position), id);
    for (const char* filter : {"type", "currency", "source"}) {
      batch.put(ViewKeys::list(object, merchant, filter, index.at(filter), list_position), id);
    }
    batch.put(journal_key(sequence), journal_json(merchant, id, m, entries));
    for (const Entry& e : entries) {
      if (Status s = add_entry(merchant, m.currency, e, batch); !s.is_ok()) return s;
    }
  }
  return Status::ok();
}

Expected<std::vector<AccountTotals>, Status> account_totals(const eventstore::Database& db,
                                                            const std::string& merchant) {
  std::vector<AccountTotals> out;
  const std::string prefix = totals_prefix(merchant);
  std::unique_ptr<rocksdb::Iterator> it(
      db.db()->NewIterator(rocksdb::ReadOptions(), projections::views_family(db)));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const std::string rest = it->key().ToString().substr(prefix.size());
    const std::size_t nul = rest.find('\0');
    if (nul == std::string::npos) return Unexpected{Status::corruption("account totals key")};
    AccountTotals t;
    t.currency = rest.substr(0, nul);
    t.account = rest.substr(nul + 1);
    if (Status s = read_totals(it->value().ToStringView(), &t); !s.is_ok()) return Unexpected{s};
    out.push_back(std::move(t));
  }
  if (!it->status().ok()) return Unexpected{Status::io_error(it->status().ToString())};
  return out;
}

Status read_journal(const eventstore::Database& db, std::uint64_t last_sequence,
                    const std::function<void(const JournalLine&)>& visit) {
  json::Parser parser;
  std::unique_ptr<rocksdb::Iterator> it(
      db.db()->NewIterator(rocksdb::ReadOptions(), projections::views_family(db)));
  for (it->Seek(std::string(kJournalPrefix)); it->Valid() && it->key().starts_with(kJournalPrefix);
       it->Next()) {
    if (it->key().size() != kJournalPrefix.size() + 8) return Status::corruption("journal key");
    JournalLine line;
    line.sequence = eventstore::get_be64(it->key().data() + kJournalPrefix.size());
    if (line.sequence > last_sequence) break;
    json::Value doc;
    if (!parser.parse(std::string_view(it->value().data(), it->value().size()), &doc)) {
      return Status::corruption("journal line " + std::to_string(line.sequence));
    }
    json::ReadError error;
    const json::Reader r(doc, error);
    line.merchant = r.str("merchant");
    line.id = r.str("id");
    line.currency = r.str("currency");
    const json::Value entries = r.array("entries");
    json::Value e;
    for (json::Items items(entries); items.next(&e);) {  // none when the read failed
      const json::Reader er = r.nested(e);
      line.entries.push_back({er.str("account"), er.i64("debit"), er.i64("credit")});
    }
    if (error.failed()) {
      return Status::corruption("journal line " + std::to_string(line.sequence) + ": " +
                                error.what());
    }
    visit(line);
  }
  if (!it->status().ok()) return Status::io_error(it->status().ToString());
  return Status::ok();
}

}  // namespace payledger::projections
