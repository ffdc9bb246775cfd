#include "finance/reconcile.h"

#include <rocksdb/db.h>
#include <rocksdb/iterator.h>
#include <simdjson.h>

#include <memory>
#include <set>
#include <unordered_map>

#include "contract/aggregate.h"
#include "domain/assert.h"
#include "eventstore/codec.h"
#include "eventstore/event_store.h"
#include "eventstore/log_scan.h"
#include "projections/ledger.h"
#include "projections/view_store.h"

namespace payledger::finance {
namespace {

using eventstore::Status;

struct Stream {
  const contract::Aggregate* aggregate = nullptr;
  std::unique_ptr<contract::State> state;
  std::string merchant;
  bool stopped = false;  // an event of it was left out (--at): so are its later ones
};

std::string amount_text(std::int64_t minor) {
  return std::to_string(minor);
}

void add(MoneyTotals& t, std::int64_t amount_minor) {
  if (amount_minor >= 0) {
    t.gross_minor += amount_minor;
  } else {
    t.refunded_minor -= amount_minor;
  }
  t.transactions += 1;
}

class Reconciler {
 public:
  Reconciler(const eventstore::Database& db, const contract::Registry& registry,
             const ReconcileOptions& options, ReconcileReport& report)
      : db_(db), registry_(registry), options_(options), report_(report) {}

  Status run();

 private:
  Status read_views_position();
  Status fold_log();
  void fold(std::uint64_t position, const eventstore::EventHeader& h, json::Value data);
  Status compare_journal();
  Status compare_documents();
  Status compare_balances();
  void differ(std::string what) { report_.differences.push_back(std::move(what)); }
  bool wanted(const std::string& merchant) const {
    return !options_.merchant || *options_.merchant == merchant;
  }

  const eventstore::Database& db_;
  const contract::Registry& registry_;
  const ReconcileOptions& options_;
  ReconcileReport& report_;
  eventstore::EnvelopeParser parser_;
  std::unordered_map<std::string, Stream> streams_;
  std::set<std::uint64_t> left_out_;  // positions up to report_.position not folded (--at)
};

Status Reconciler::read_views_position() {
  std::string value;
  const rocksdb::Status s = db_.db()->Get(rocksdb::ReadOptions(), projections::views_family(db_),
                                          projections::ViewKeys::checkpoint("read_side"), &value);
  if (!s.ok() && !s.IsNotFound()) return Status::io_error(s.ToString());
  report_.views_position = s.ok() && value.size() == 8 ? eventstore::get_be64(value.data()) : 0;
  return Status::ok();
}

void Reconciler::fold(std::uint64_t position, const eventstore::EventHeader& h, json::Value data) {
  Stream& st = streams_[h.meta.stream_id];
  if (st.aggregate == nullptr) {
    st.aggregate = registry_.for_stream(h.meta.stream_id);
    if (st.aggregate == nullptr) {
      differ("position " + std::to_string(position) + ": no aggregate owns " + h.meta.stream_id);
      return;
    }
    st.state = st.aggregate->initial();
    st.merchant = h.meta.merchant.value;
  }
  if (st.stopped || (options_.at && h.meta.occurred_at.value > *options_.at)) {
    st.stopped = true;
    left_out_.insert(position);
    return;
  }
  contract::Applied applied;
  try {
    const ThrowingAssertions judging;  // a forged event is a difference, not a crash
    if (Status s = st.aggregate->apply(*st.state, h, data, &applied); !s.is_ok()) {
      st.stopped = true;
      differ("position " + std::to_string(position) + ": " + s.message());
      return;
    }
  } catch (const InvariantBroken& e) {
    st.stopped = true;
    differ("position " + std::to_string(position) + ": " + e.what +
           " (payledger verify says more)");
    return;
  }
  if (!wanted(h.meta.merchant.value)) return;
  for (const contract::Movement& m : applied.moved) {
    add(report_.log[{h.meta.merchant.value, m.currency}], m.amount_minor);
  }
}

Status Reconciler::fold_log() {
  std::uint64_t expect = 1;
  Status scanned = eventstore::scan_events(
      db_, 1, report_.position, [&](std::uint64_t position, std::string_view event) {
        if (position != expect) {
          return Status::corruption("the log has no event at position " + std::to_string(expect) +
                                    " (payledger verify says more)");
        }
        ++expect;
        eventstore::EventHeader h;
        json::Value data;
        if (Status s = parser_.parse(event, &h, &data); !s.is_ok()) {
          differ("position " + std::to_string(position) + ": " + s.message());
          return Status::ok();
        }
        fold(position, h, data);
        if (options_.progress && position % 4096 == 0) {
          options_.progress(position, report_.position);
        }
        return Status::ok();
      });
  if (!scanned.is_ok()) return scanned;
  if (expect <= report_.position) {
    return Status::invalid_argument("the log ends at position " + std::to_string(expect - 1));
  }
  if (options_.progress) options_.progress(report_.position, report_.position);
  return Status::ok();
}

// The views' balance transactions of the folded events, summed, against the log's movements.
Status Reconciler::compare_journal() {
  const std::uint64_t last_sequence = (report_.position + 1) * projections::kMovementsPerEvent - 1;
  Status s = projections::read_journal(db_, last_sequence, [&](const projections::JournalLine& l) {
    if (!wanted(l.merchant)) return;
    if (left_out_.contains(l.sequence / projections::kMovementsPerEvent)) return;
    std::int64_t debits = 0;
    std::int64_t credits = 0;
    std::int64_t into_balance = 0;
    for (const projections::Entry& e : l.entries) {
      debits += e.debit_minor;
      credits += e.credit_minor;
      if (e.account == projections::kMerchantBalanceAccount) {
        into_balance += e.credit_minor - e.debit_minor;
      }
    }
    if (debits != credits) {
      differ(l.id + " does not balance: debits " + amount_text(debits) + ", credits " +
             amount_text(credits));
    }
    add(report_.ledger[{l.merchant, l.currency}], into_balance);
  });
  if (!s.is_ok()) return s;
  std::set<MerchantCurrency> keys;
  for (const auto& [k, v] : report_.log) keys.insert(k);
  for (const auto& [k, v] : report_.ledger) keys.insert(k);
  for (const MerchantCurrency& k : keys) {
    const MoneyTotals log = report_.log.contains(k) ? report_.log.at(k) : MoneyTotals{};
    const MoneyTotals ledger = report_.ledger.contains(k) ? report_.ledger.at(k) : MoneyTotals{};
    if (!(log == ledger)) {
      differ(k.first + " " + k.second + ": the log nets " + amount_text(log.net_minor()) + " in " +
             std::to_string(log.transactions) + " movements, the balance transactions " +
             amount_text(ledger.net_minor()) + " in " + std::to_string(ledger.transactions));
    }
  }
  return Status::ok();
}

// GET /v1/balance's source, the merchant_balance account, against the log's net.
Status Reconciler::compare_balances() {
  std::set<std::string> merchants;
  for (const auto& [k, v] : report_.log) merchants.insert(k.first);
  for (const auto& [k, v] : report_.ledger) merchants.insert(k.first);
  for (const std::string& merchant : merchants) {
    auto totals = projections::account_totals(db_, merchant);
    if (!totals) return totals.error();
    for (const projections::AccountTotals& t : *totals) {
      if (t.account == projections::kMerchantBalanceAccount) {
        report_.balance_minor[{merchant, t.currency}] = t.credits_minor - t.debits_minor;
      }
    }
  }
  for (const auto& [k, log] : report_.log) {
    const std::int64_t balance =
        report_.balance_minor.contains(k) ? report_.balance_minor.at(k) : 0;
    if (balance != log.net_minor()) {
      differ(k.first + " " + k.second + ": the balance is " + amount_text(balance) +
             ", the log nets " + amount_text(log.net_minor()));
    }
  }
  for (const auto& [k, balance] : report_.balance_minor) {
    if (!report_.log.contains(k) && balance != 0) {
      differ(k.first + " " + k.second + ": a balance of " + amount_text(balance) +
             " the log does not have");
    }
  }
  return Status::ok();
}

// Every document the fold renders, counted by status and compared with the views' copy.
Status Reconciler::compare_documents() {
  simdjson::dom::parser parser;
  for (const auto& [stream_id, st] : streams_) {
    if (st.aggregate == nullptr || !wanted(st.merchant)) continue;
    std::vector<contract::Document> docs;
    st.aggregate->documents(*st.state, &docs);
    for (const contract::Document& d : docs) {
      simdjson::dom::element json;
      std::string_view status;
      if (!d.deleted && parser.parse(d.json).get(json) == simdjson::SUCCESS &&
          json["status"].get(status) == simdjson::SUCCESS) {
        ++report_.counts[{st.merchant, std::string(d.object), std::string(status)}];
      }
      if (!report_.views_compared || d.deleted) continue;
      const std::string scope = d.merchant_wide ? st.merchant : std::string();
      std::string view;
      const rocksdb::Status s =
          db_.db()->Get(rocksdb::ReadOptions(), projections::views_family(db_),
                        projections::ViewKeys::object(d.object, scope, d.id), &view);
      if (!s.ok() && !s.IsNotFound()) return Status::io_error(s.ToString());
      ++report_.documents_compared;
      if (s.IsNotFound()) {
        differ(std::string(d.object) + " " + d.id + ": not in the views");
      } else if (view != d.json) {
        differ(std::string(d.object) + " " + d.id + ": the views show it otherwise than the log");
      }
    }
  }
  return Status::ok();
}

Status Reconciler::run() {
  if (Status s = read_views_position(); !s.is_ok()) return s;
  report_.position = options_.position.value_or(report_.views_position);
  if (report_.views_position == 0 && !options_.position) {
    if (eventstore::last_event_position(db_) > 0) {
      differ("the views have not projected the log yet (being rebuilt?): give --position");
    }
  }
  if (report_.views_position < report_.position) {
    differ("the views have reached position " + std::to_string(report_.views_position) +
           " only, not " + std::to_string(report_.position));
  }
  report_.views_compared = report_.views_position == report_.position && !options_.at;
  if (Status s = fold_log(); !s.is_ok()) return s;
  if (Status s = compare_journal(); !s.is_ok()) return s;
  if (report_.views_compared) {
    if (Status s = compare_balances(); !s.is_ok()) return s;
  }
  return compare_documents();
}

}  // namespace

Expected<ReconcileReport, Status> reconcile(const eventstore::Database& db,
                                            const contract::Registry& registry,
                                            const ReconcileOptions& options) {
  ReconcileReport report;
  Reconciler r(db, registry, options, report);
  if (Status s = r.run(); !s.is_ok()) return Unexpected{s};
  return report;
}

}  // namespace payledger::finance
