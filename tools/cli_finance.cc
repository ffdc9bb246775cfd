#include "tools/cli_finance.h"

#include <fmt/core.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <regex>
#include <string>

#include "eventstore/database.h"
#include "finance/export.h"
#include "finance/reconcile.h"
#include "finance/verify.h"
#include "json/text.h"
#include "json/writer.h"
#include "projections/view_store.h"
#include "resources/registry.h"
#include "tools/progress.h"

namespace payledger::cli {
namespace {

// A scratch directory for the follower's own files, removed when done.
class Scratch {
 public:
  Scratch() {
    std::string pattern = (std::filesystem::temp_directory_path() / "payledger-follower-XXXXXX");
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~Scratch() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The data directory as it stands now, read-only, beside a running payledgerd or not.
std::unique_ptr<eventstore::Database> open_follower(const std::string& data_dir,
                                                    const Scratch& scratch) {
  if (!std::filesystem::exists(data_dir + "/CURRENT")) {
    fmt::print(stderr, "{} is not a payledger data directory (no RocksDB database there)\n",
               data_dir);
    return nullptr;
  }
  auto db = eventstore::Database::open_follower(data_dir, scratch.path(),
                                                {std::string(projections::kViewsFamily)});
  if (!db) {
    fmt::print(stderr, "cannot read {}: {}\n", data_dir, db.error().to_string());
    return nullptr;
  }
  return std::move(*db);
}

// A progress callback drawing `bar`, made at the first call (when the total is known).
std::function<void(std::uint64_t, std::uint64_t)> drawing_on(std::unique_ptr<ProgressBar>& bar) {
  return [&bar](std::uint64_t done, std::uint64_t total) {
    if (!bar) bar = std::make_unique<ProgressBar>(total);
    bar->update(done, done == total);
  };
}

// Unix seconds, or a UTC date or date-time: 2026-10-31, 2026-10-31T23:59, 2026-10-31T23:59:59Z.
// A date alone is its first second, or with `end_of_day` its last.
std::optional<std::int64_t> parse_time(const std::string& text, bool end_of_day) {
  static const std::regex kUnix("^-?[0-9]{1,12}$");
  static const std::regex kIso(
      "^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?)?Z?$");
  std::smatch m;
  if (std::regex_match(text, kUnix)) return std::stoll(text);
  if (!std::regex_match(text, m, kIso)) return std::nullopt;
  std::tm tm{};
  tm.tm_year = std::stoi(m[1]) - 1900;
  tm.tm_mon = std::stoi(m[2]) - 1;
  tm.tm_mday = std::stoi(m[3]);
  const bool has_time = m[4].matched;
  tm.tm_hour = has_time ? std::stoi(m[4]) : 0;
  tm.tm_min = has_time ? std::stoi(m[5]) : 0;
  tm.tm_sec = m[6].matched ? std::stoi(m[6]) : 0;
  if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
      tm.tm_sec > 60) {
    return std::nullopt;
  }
  const std::int64_t at = timegm(&tm);
  return !has_time && end_of_day ? at + 86'399 : at;
}

// A CLI11 validator of the times parse_time() takes.
CLI::Validator time_validator() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        return parse_time(value, false)
                   ? ""
                   : "not a time: give Unix seconds or 2026-10-31[T23:59[:59]][Z] (UTC)";
      },
      "TIME");
}

// POSITION:HASH as verify prints them.
CLI::Validator head_validator() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        static const std::regex kHead("^[0-9]{1,19}:[0-9a-fA-F]{64}$");
        return std::regex_match(value, kHead) ? "" : "not POSITION:HASH (a 64-digit hex hash)";
      },
      "POSITION:HASH");
}

struct VerifyArgs {
  std::string data_dir = "./data";
  std::string expect_head;
};

int run_verify(const VerifyArgs& args) {
  finance::VerifyOptions options;
  if (!args.expect_head.empty()) {  // checked by head_validator()
    const auto colon = args.expect_head.find(':');
    std::string hash = args.expect_head.substr(colon + 1);
    for (char& c : hash) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    options.expect_head = {std::stoull(args.expect_head.substr(0, colon)), hash};
  }
  Scratch scratch;
  auto db = open_follower(args.data_dir, scratch);
  if (!db) return 2;
  std::unique_ptr<ProgressBar> bar;
  options.progress = drawing_on(bar);
  auto report = finance::verify_log(*db, resources::registry(), options);
  if (bar) fmt::print(stderr, "\n");
  if (!report) {
    fmt::print(stderr, "cannot read the log: {}\n", report.error().to_string());
    return 2;
  }
  for (const std::string& p : report->problems) fmt::print("{}\n", p);
  fmt::print(
      "checked {} events of {} streams: hash chain, stream index, decoding, money invariants, "
      "{} ledger transactions balanced\n",
      report->events, report->streams, report->movements);
  fmt::print("head position {}\nhead hash {}\n", report->head_position, report->head_hash);
  if (report->ok()) {
    fmt::print("ok\n");
    return 0;
  }
  fmt::print("first broken position {}\n", report->first_broken);
  return 1;
}

struct ReconcileArgs {
  std::string data_dir = "./data";
  std::string at;
  std::optional<std::uint64_t> position;
  std::string merchant;
  std::string format = "table";
};

// The report as JSON (--format json), pretty-printed by the caller.
std::string reconcile_json(const finance::ReconcileReport& r) {
  const auto count = [](std::uint64_t n) { return static_cast<std::int64_t>(n); };
  json::Writer w;
  w.begin_object();
  w.number("position", count(r.position));
  w.number("views_position", count(r.views_position));
  w.flag("views_compared", r.views_compared);
  w.number("documents_compared", count(r.documents_compared));
  w.key("totals");
  w.begin_array();
  for (const auto& [k, t] : r.log) {
    const finance::MoneyTotals ledger =
        r.ledger.contains(k) ? r.ledger.at(k) : finance::MoneyTotals{};
    w.begin_object();
    w.text("merchant", k.first);
    w.text("currency", k.second);
    w.number("gross_minor", t.gross_minor);
    w.number("refunded_minor", t.refunded_minor);
    w.number("net_minor", t.net_minor());
    w.text("net", finance::decimal_amount(t.net_minor(), k.second));
    w.number("transactions", count(t.transactions));
    w.number("ledger_net_minor", ledger.net_minor());
    if (r.balance_minor.contains(k)) w.number("balance_minor", r.balance_minor.at(k));
    w.end_object();
  }
  w.end_array();
  w.key("counts");
  w.begin_array();
  for (const auto& [k, n] : r.counts) {
    w.begin_object();
    w.text("merchant", std::get<0>(k));
    w.text("object", std::get<1>(k));
    w.text("status", std::get<2>(k));
    w.number("count", count(n));
    w.end_object();
  }
  w.end_array();
  w.key("differences");
  w.begin_array();
  for (const std::string& d : r.differences) w.string(d);
  w.end_array();
  w.end_object();
  return w.take();
}

void print_reconcile_table(const finance::ReconcileReport& r) {
  fmt::print("the log up to position {} (the views stand at {}{})\n\n", r.position,
             r.views_position, r.views_compared ? "; documents and balances compared" : "");
  fmt::print("{:<28} {:<4} {:>16} {:>16} {:>16} {:>6} {:>16} {:>16}\n", "merchant", "cur",
             "captured", "refunded", "net", "txns", "ledger net", "balance");
  for (const auto& [k, t] : r.log) {
    const finance::MoneyTotals ledger =
        r.ledger.contains(k) ? r.ledger.at(k) : finance::MoneyTotals{};
    const std::string balance = r.balance_minor.contains(k)
                                    ? finance::decimal_amount(r.balance_minor.at(k), k.second)
                                    : "-";
    fmt::print("{:<28} {:<4} {:>16} {:>16} {:>16} {:>6} {:>16} {:>16}\n", k.first, k.second,
               finance::decimal_amount(t.gross_minor, k.second),
               finance::decimal_amount(t.refunded_minor, k.second),
               finance::decimal_amount(t.net_minor(), k.second), t.transactions,
               finance::decimal_amount(ledger.net_minor(), k.second), balance);
  }
  fmt::print("\n{:<28} {:<20} {:<24} {:>8}\n", "merchant", "object", "status", "count");
  for (const auto& [k, n] : r.counts) {
    fmt::print("{:<28} {:<20} {:<24} {:>8}\n", std::get<0>(k), std::get<1>(k), std::get<2>(k), n);
  }
  fmt::print("\n{} documents compared with the views\n", r.documents_compared);
  if (r.ok()) {
    fmt::print("no differences\n");
    return;
  }
  fmt::print("{} differences:\n", r.differences.size());
  for (const std::string& d : r.differences) fmt::print("  {}\n", d);
}

int run_reconcile(const ReconcileArgs& args) {
  finance::ReconcileOptions options;
  if (!args.at.empty()) options.at = parse_time(args.at, /*end_of_day=*/true);
  options.position = args.position;
  if (!args.merchant.empty()) options.merchant = args.merchant;
  Scratch scratch;
  auto db = open_follower(args.data_dir, scratch);
  if (!db) return 2;
  std::unique_ptr<ProgressBar> bar;
  options.progress = drawing_on(bar);
  auto report = finance::reconcile(*db, resources::registry(), options);
  if (bar) fmt::print(stderr, "\n");
  if (!report) {
    fmt::print(stderr, "cannot reconcile: {}\n", report.error().to_string());
    return 2;
  }
  if (args.format == "json") {
    fmt::print("{}\n", json::pretty(reconcile_json(*report)).value_or("{}"));
  } else {
    print_reconcile_table(*report);
  }
  return report->ok() ? 0 : 1;
}

struct ExportArgs {
  std::string data_dir = "./data";
  std::string from;
  std::string to;
  std::string format = "csv";
  std::string what = "balance_transactions";
  std::string output;
  std::string merchant;
};

int run_export(const ExportArgs& args) {
  finance::ExportOptions options;
  options.format =
      args.format == "jsonl" ? finance::ExportFormat::jsonl : finance::ExportFormat::csv;
  options.what = args.what == "events"     ? finance::ExportWhat::events
                 : args.what == "payments" ? finance::ExportWhat::payments
                                           : finance::ExportWhat::balance_transactions;
  if (!args.from.empty()) options.from = parse_time(args.from, false);
  if (!args.to.empty()) options.to = parse_time(args.to, false);
  if (!args.merchant.empty()) options.merchant = args.merchant;
  Scratch scratch;
  auto db = open_follower(args.data_dir, scratch);
  if (!db) return 2;
  std::ofstream file;
  if (!args.output.empty()) {
    file.open(args.output, std::ios::binary | std::ios::trunc);
    if (!file) {
      fmt::print(stderr, "cannot write {}\n", args.output);
      return 2;
    }
  }
  std::ostream& out = args.output.empty() ? std::cout : file;
  auto rows = finance::export_rows(*db, resources::registry(), options, out);
  out.flush();
  if (!rows) {
    fmt::print(stderr, "cannot export: {}\n", rows.error().to_string());
    return 2;
  }
  if (!args.output.empty()) fmt::print(stderr, "wrote {} rows to {}\n", *rows, args.output);
  return out ? 0 : 2;
}

}  // namespace

void add_finance_commands(CLI::App& app, int* exit_code) {
  auto verify = std::make_shared<VerifyArgs>();
  auto* v = app.add_subcommand(
      "verify",
      "check the whole log: its hash chain, stream index, decoding, every stream re-folded with "
      "its money invariants, debits = credits; prints the head hash to keep elsewhere. Exit 0: "
      "all holds; 1: a problem (each named by position); 2: cannot read");
  v->add_option("--data-dir", verify->data_dir, "the data directory (payledgerd may run on it)")
      ->capture_default_str();
  v->add_option("--expect-head", verify->expect_head,
                "POSITION:HASH printed by an earlier verify: the chain must still have it")
      ->check(head_validator());
  v->callback([verify, exit_code] { *exit_code = run_verify(*verify); });

  auto reconcile = std::make_shared<ReconcileArgs>();
  auto* r = app.add_subcommand(
      "reconcile",
      "fold the log alone into totals per merchant and currency (captured, refunded, net, "
      "transactions) and counts per object and status, and compare them with the balance "
      "transactions, the balances and every document the views hold. Exit 1 on any difference");
  r->add_option("--data-dir", reconcile->data_dir, "the data directory (payledgerd may run on it)")
      ->capture_default_str();
  auto* at = r->add_option("--at", reconcile->at,
                           "only what occurred by TIME (Unix seconds or a UTC date[-time]; a date "
                           "means its end): the balances at the end of last month")
                 ->check(time_validator());
  r->add_option("--position", reconcile->position, "only the log up to this position")
      ->excludes(at);
  r->add_option("--merchant", reconcile->merchant, "only this merchant (mer_...)");
  r->add_option("--format", reconcile->format, "table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  r->callback([reconcile, exit_code] { *exit_code = run_reconcile(*reconcile); });

  auto exported = std::make_shared<ExportArgs>();
  auto* e = app.add_subcommand(
      "export",
      "stream rows with a header for a spreadsheet or a database: balance transactions (from "
      "the ledger, in log order), events (the log) or payments (PaymentIntents and Direct API "
      "payments); amounts in minor units and as decimals");
  e->add_option("--data-dir", exported->data_dir, "the data directory (payledgerd may run on it)")
      ->capture_default_str();
  e->add_option("--from", exported->from, "only rows created at or after TIME")
      ->check(time_validator());
  e->add_option("--to", exported->to, "only rows created before TIME")->check(time_validator());
  e->add_option("--format", exported->format, "csv or jsonl")
      ->check(CLI::IsMember({"csv", "jsonl"}))
      ->capture_default_str();
  e->add_option("--what", exported->what, "balance_transactions, events or payments")
      ->check(CLI::IsMember({"balance_transactions", "events", "payments"}))
      ->capture_default_str();
  e->add_option("--output", exported->output, "a file to write (default: standard output)");
  e->add_option("--merchant", exported->merchant, "only this merchant (mer_...)");
  e->callback([exported, exit_code] { *exit_code = run_export(*exported); });
}

}  // namespace payledger::cli
