#include "finance/export.h"

#include <rocksdb/db.h>
#include <rocksdb/iterator.h>

#include <ctime>
#include <memory>
#include <string_view>
#include <vector>

#include "domain/money.h"
#include "eventstore/codec.h"
#include "eventstore/event_store.h"
#include "eventstore/log_scan.h"
#include "json/simdjson.h"
#include "json/writer.h"
#include "projections/documents.h"
#include "projections/ledger.h"
#include "projections/view_store.h"

namespace payledger::finance {
namespace {

using eventstore::Status;

// A cell: text, or an integer (written bare in JSON lines).
struct Cell {
  std::string text;
  bool number = false;
};

Cell text(std::string_view v) {
  return {std::string(v), false};
}
Cell integer(std::int64_t v) {
  return {std::to_string(v), true};
}

std::string utc(std::int64_t unix_seconds) {
  const std::time_t t = unix_seconds;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

// CSV (RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled) or JSON
// lines with the header's names as keys.
class RowWriter {
 public:
  RowWriter(std::ostream& out, ExportFormat format, std::vector<std::string_view> columns)
      : out_(out), format_(format), columns_(std::move(columns)) {
    if (format_ != ExportFormat::csv) return;
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      out_ << (i > 0 ? "," : "") << columns_[i];
    }
    out_ << "\r\n";
  }
  void row(const std::vector<Cell>& cells) {
    ++rows_;
    if (format_ == ExportFormat::csv) {
      for (std::size_t i = 0; i < cells.size(); ++i) {
        if (i > 0) out_ << ',';
        write_csv(cells[i].text);
      }
      out_ << "\r\n";
      return;
    }
    json::Writer w;
    w.begin_object();
    for (std::size_t i = 0; i < cells.size(); ++i) {
      w.key(columns_[i]);
      if (cells[i].number) {
        w.number_value(std::stoll(cells[i].text));
      } else {
        w.string(cells[i].text);
      }
    }
    w.end_object();
    out_ << w.take() << '\n';
  }
  std::uint64_t rows() const { return rows_; }

 private:
  void write_csv(const std::string& v) {
    if (v.find_first_of(",\"\r\n") == std::string::npos) {
      out_ << v;
      return;
    }
    out_ << '"';
    for (char c : v) out_ << (c == '"' ? "\"\"" : std::string(1, c));
    out_ << '"';
  }
  std::ostream& out_;
  ExportFormat format_;
  std::vector<std::string_view> columns_;
  std::uint64_t rows_ = 0;
};

// Members the renderings always have; 0 or "" when missing (reconcile compares renderings).
std::int64_t int_of(simdjson::dom::element object, const char* key) {
  std::int64_t v = 0;
  return object[key].get(v) == simdjson::SUCCESS ? v : 0;
}
std::string_view str_of(simdjson::dom::element object, const char* key) {
  std::string_view v;
  return object[key].get(v) == simdjson::SUCCESS ? v : std::string_view();
}

bool in_range(const ExportOptions& o, std::int64_t created) {
  return (!o.from || created >= *o.from) && (!o.to || created < *o.to);
}

std::vector<Cell> money(std::int64_t minor, const std::string& currency) {
  return {integer(minor), text(decimal_amount(minor, currency))};
}

void append(std::vector<Cell>& row, std::vector<Cell> more) {
  for (Cell& c : more) row.push_back(std::move(c));
}

Status export_balance_transactions(const eventstore::Database& db, const ExportOptions& o,
                                   RowWriter& rows) {
  simdjson::dom::parser parser;
  Status failed = Status::ok();
  Status s = projections::read_journal(db, UINT64_MAX, [&](const projections::JournalLine& line) {
    if (!failed.is_ok() || (o.merchant && *o.merchant != line.merchant)) return;
    std::string json;
    const rocksdb::Status got =
        db.db()->Get(rocksdb::ReadOptions(), projections::views_family(db),
                     projections::ViewKeys::object(projections::kBalanceTransactionObject,
                                                   line.merchant, line.id),
                     &json);
    simdjson::dom::element t;
    if (!got.ok() || parser.parse(json).get(t) != simdjson::SUCCESS) {
      failed = Status::corruption("balance transaction " + line.id + " is not in the views");
      return;
    }
    const std::int64_t created = int_of(t, "created");
    if (!in_range(o, created)) return;
    const std::string currency(str_of(t, "currency"));
    std::vector<Cell> row{text(line.id),
                          text(line.merchant),
                          integer(created),
                          text(utc(created)),
                          text(str_of(t, "type")),
                          text(str_of(t, "reporting_category")),
                          text(str_of(t, "source")),
                          text(currency)};
    append(row, money(int_of(t, "amount"), currency));
    append(row, money(int_of(t, "fee"), currency));
    append(row, money(int_of(t, "net"), currency));
    row.push_back(text(str_of(t, "status")));
    row.push_back(integer(int_of(t, "available_on")));
    rows.row(row);
  });
  return s.is_ok() ? failed : s;
}

Status export_events(const eventstore::Database& db, const ExportOptions& o, RowWriter& rows) {
  eventstore::EnvelopeParser parser;
  return eventstore::scan_events(
      db, 1, eventstore::kLogEnd, [&](std::uint64_t position, std::string_view event) {
        eventstore::EventHeader h;
        json::Value data;
        if (Status s = parser.parse(event, &h, &data); !s.is_ok()) {
          return Status::corruption("position " + std::to_string(position) + ": " + s.message());
        }
        if (o.merchant && *o.merchant != h.meta.merchant.value) return Status::ok();
        if (!in_range(o, h.meta.occurred_at.value)) return Status::ok();
        rows.row({integer(static_cast<std::int64_t>(position)), text(h.meta.id.value), text(h.type),
                  text(h.meta.stream_id), integer(static_cast<std::int64_t>(h.meta.version.value)),
                  text(h.meta.merchant.value), integer(h.meta.occurred_at.value),
                  text(utc(h.meta.occurred_at.value)), text(simdjson::minify(json::unwrap(data)))});
        return Status::ok();
      });
}

// The payments of one aggregate that takes them, from its streams' records (s/ prefix...), in
// stream id order, every merchant's.
Status export_payments_of(const eventstore::Database& db, const contract::Aggregate& aggregate,
                          const ExportOptions& o, RowWriter& rows) {
  const std::string prefix = projections::ViewKeys::stream(aggregate.stream_prefix());
  std::unique_ptr<rocksdb::Iterator> it(
      db.db()->NewIterator(rocksdb::ReadOptions(), projections::views_family(db)));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    projections::StreamBook book;
    auto state = aggregate.initial();
    if (Status s = projections::read_record(it->value().ToString(), aggregate, &book, *state);
        !s.is_ok()) {
      return Status::corruption(it->key().ToString() + ": " + s.message());
    }
    if (o.merchant && *o.merchant != book.merchant) continue;
    const std::optional<contract::PaymentSummary> p = aggregate.payment_summary(*state);
    if (!p || !in_range(o, p->created)) continue;
    std::vector<Cell> row{text(p->id),         text(p->object),       text(book.merchant),
                          integer(p->created), text(utc(p->created)), text(p->status),
                          text(p->currency)};
    append(row, money(p->amount_minor, p->currency));
    append(row, money(p->received_minor, p->currency));
    append(row, money(p->refunded_minor, p->currency));
    row.push_back(text(p->description));
    rows.row(row);
  }
  if (!it->status().ok()) return Status::io_error(it->status().ToString());
  return Status::ok();
}

}  // namespace

std::string decimal_amount(std::int64_t minor, const std::string& currency) {
  const auto c = domain::Currency::parse(currency);
  const int digits = c ? c->minor_unit_digits() : 2;
  const bool negative = minor < 0;
  // Unsigned negation is defined for every value, INT64_MIN included.
  const auto as_unsigned = static_cast<std::uint64_t>(minor);
  std::string magnitude = std::to_string(negative ? std::uint64_t{0} - as_unsigned : as_unsigned);
  if (digits > 0) {
    if (magnitude.size() <= static_cast<std::size_t>(digits)) {
      magnitude.insert(0, static_cast<std::size_t>(digits) + 1 - magnitude.size(), '0');
    }
    magnitude.insert(magnitude.size() - static_cast<std::size_t>(digits), ".");
  }
  return negative ? "-" + magnitude : magnitude;
}

Expected<std::uint64_t, Status> export_rows(const eventstore::Database& db,
                                            const contract::Registry& registry,
                                            const ExportOptions& options, std::ostream& out) {
  Status s = Status::ok();
  if (options.what == ExportWhat::balance_transactions) {
    RowWriter rows(out, options.format,
                   {"id", "merchant", "created", "created_utc", "type", "reporting_category",
                    "source", "currency", "amount_minor", "amount", "fee_minor", "fee", "net_minor",
                    "net", "status", "available_on"});
    s = export_balance_transactions(db, options, rows);
    if (s.is_ok()) return rows.rows();
  } else if (options.what == ExportWhat::events) {
    RowWriter rows(out, options.format,
                   {"position", "id", "type", "stream_id", "stream_version", "merchant",
                    "occurred_at", "occurred_at_utc", "data"});
    s = export_events(db, options, rows);
    if (s.is_ok()) return rows.rows();
  } else {
    RowWriter rows(out, options.format,
                   {"id", "object", "merchant", "created", "created_utc", "status", "currency",
                    "amount_minor", "amount", "amount_received_minor", "amount_received",
                    "amount_refunded_minor", "amount_refunded", "description"});
    for (const contract::Aggregate* a : registry.aggregates()) {
      if (s.is_ok() && a->takes_payments()) s = export_payments_of(db, *a, options, rows);
    }
    if (s.is_ok()) return rows.rows();
  }
  return Unexpected{s};
}

}  // namespace payledger::finance
