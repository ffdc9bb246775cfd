// payledger: the operator's CLI.
//   payledger replay --data-dir DIR    rebuild every projection from the log
//   payledger schemas [--check]        the event schemas and docs/events.md's table
//   payledger listen --key K --forward-to URL   forward events, signed (tools/cli_webhooks.h)
//   payledger trigger EVENT --key K    cause an event
//   payledger verify | reconcile | export --data-dir DIR   for finance (tools/cli_finance.h)
#include <chrono>
#include <cstdio>
#include <future>

#include <fmt/core.h>
#include <CLI/CLI.hpp>
#include <fstream>
#include <sstream>

#include "contract/schema.h"
#include "eventstore/database.h"
#include "eventstore/event_store.h"
#include "json/text.h"
#include "projections/projector.h"
#include "projections/runner.h"
#include "projections/view_store.h"
#include "resources/registry.h"
#include "tools/cli_finance.h"
#include "tools/cli_webhooks.h"
#include "tools/progress.h"

namespace {

using namespace payledger;

// Events per projector batch: an intent's events mostly fall in one batch, so its view is
// rendered once rather than once per event.
constexpr std::size_t kReplayBatchEvents = 32'768;

int replay(const std::string& data_dir) {
  auto db = eventstore::Database::open(data_dir, nullptr, {std::string(projections::kViewsFamily)});
  if (!db) {
    fmt::print(stderr, "cannot open {}: {}\n(is payledgerd still running on it?)\n", data_dir,
               db.error().to_string());
    return 1;
  }
  if (auto s = projections::reset_views(**db); !s.is_ok()) {
    fmt::print(stderr, "cannot reset the views: {}\n", s.to_string());
    return 1;
  }
  eventstore::EventStore store(**db);
  // A rebuild writes its views without RocksDB's WAL and flushes them at the end: a crash
  // midway leaves a consistent prefix (checkpoint included) that payledgerd continues from.
  projections::Projector projector(**db, resources::registry(), "read_side", /*bulk=*/true);
  const std::uint64_t total = store.last_position().value;
  cli::ProgressBar bar(total);
  const auto started = std::chrono::steady_clock::now();
  // Reads the next batch on a second thread while this one projects the current batch.
  const auto read_from = [&store](std::uint64_t from) {
    std::vector<eventstore::StoredEvent> events;
    eventstore::Status s = store.read_all(eventstore::Position{from}, kReplayBatchEvents, &events);
    return std::make_pair(std::move(s), std::move(events));
  };
  auto next = std::async(std::launch::async, read_from, 1);
  std::uint64_t done = 0;
  while (done < total) {
    auto [status, batch] = next.get();
    if (!status.is_ok()) {
      fmt::print(stderr, "\nreading the log: {}\n", status.to_string());
      return 1;
    }
    if (batch.empty()) break;
    next = std::async(std::launch::async, read_from, batch.back().position.value + 1);
    if (auto s = projector.apply(batch); !s.is_ok()) {
      fmt::print(stderr, "\nprojecting position {}: {}\n", done + 1, s.to_string());
      return 1;
    }
    done = batch.back().position.value;
    bar.update(done);
  }
  if (auto s = projector.flush(); !s.is_ok()) {
    fmt::print(stderr, "\n{}\n", s.to_string());
    return 1;
  }
  bar.finish(done);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  fmt::print("replayed {} events in {:.2f} s ({:.0f} events/s)\n", done, took.count(),
             took.count() > 0 ? done / took.count() : 0.0);
  return 0;
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// docs/events.md with the generated table between its two markers.
std::optional<std::string> with_table(const std::string& markdown, const std::string& table) {
  const std::string begin = "<!-- event-types:begin (payledger schemas) -->\n";
  const std::string end = "<!-- event-types:end -->";
  const auto a = markdown.find(begin);
  const auto b = markdown.find(end);
  if (a == std::string::npos || b == std::string::npos || b < a) return std::nullopt;
  return markdown.substr(0, a + begin.size()) + table + markdown.substr(b);
}

// Writes (or with --check, compares) docs/schemas/events.schema.json and the table of event
// types in docs/events.md, made from the registered aggregates.
int schemas(const std::string& docs, bool check) {
  const auto& registry = resources::registry();
  const std::string schema = json::pretty(contract::events_schema(registry)).value() + "\n";
  const std::string schema_path = docs + "/schemas/events.schema.json";
  const std::string events_path = docs + "/events.md";
  auto markdown = read_file(events_path);
  if (!markdown) {
    fmt::print(stderr, "cannot read {}\n", events_path);
    return 1;
  }
  auto table = with_table(*markdown, contract::events_table(registry));
  if (!table) {
    fmt::print(stderr, "{} lacks the event-types markers\n", events_path);
    return 1;
  }
  if (check) {
    const bool schema_ok = read_file(schema_path) == schema;
    const bool table_ok = *table == *markdown;
    if (!schema_ok) fmt::print(stderr, "{} is stale: run payledger schemas\n", schema_path);
    if (!table_ok) fmt::print(stderr, "{} is stale: run payledger schemas\n", events_path);
    fmt::print("{} passed, {} failed\n", int(schema_ok) + int(table_ok),
               int(!schema_ok) + int(!table_ok));
    return schema_ok && table_ok ? 0 : 1;
  }
  std::ofstream(schema_path, std::ios::binary) << schema;
  std::ofstream(events_path, std::ios::binary) << *table;
  fmt::print("wrote {} and the table of {}\n", schema_path, events_path);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"payledger: operate a payledger data directory"};
  cli.require_subcommand(1);
  std::string data_dir = "./data";
  auto* replay_cmd = cli.add_subcommand("replay", "rebuild every projection from the event log");
  replay_cmd->add_option("--data-dir", data_dir, "RocksDB data directory")->capture_default_str();
  auto* schemas_cmd = cli.add_subcommand(
      "schemas",
      "write docs/schemas/events.schema.json and docs/events.md's table of event types "
      "from the registered resources");
  std::string docs = "./docs";
  bool check = false;
  schemas_cmd->add_option("--docs", docs, "the docs folder")->capture_default_str();
  schemas_cmd->add_flag("--check", check, "only compare; exit 1 when a file is stale");
  cli::ListenOptions listen;
  auto* listen_cmd = cli.add_subcommand(
      "listen",
      "forward the merchant's events, signed as Stripe signs (Stripe-Signature), to a local "
      "receiver; prints the signing secret, then a line per event and per answer");
  auto* trigger_cmd = cli.add_subcommand(
      "trigger", "make the API calls that cause an event (payment_intent.succeeded, ...)");
  for (auto* sub : {listen_cmd, trigger_cmd}) {
    sub->add_option("--api", listen.target.api, "payledgerd's base URL")->capture_default_str();
    sub->add_option("--key", listen.target.key, "the merchant's secret key (sk_test_...)")
        ->required()
        ->envname("PAYLEDGER_KEY");
  }
  listen_cmd->add_option("--forward-to", listen.forward_to, "the receiver's URL")->required();
  listen_cmd
      ->add_option("--events", listen.events,
                   "event types or 'prefix.*' patterns, comma-separated (default: all)")
      ->delimiter(',');
  listen_cmd->add_option("--secret", listen.secret,
                         "the whsec_ secret to sign with (default: a new one per run)");
  std::string event;
  trigger_cmd->add_option("event", event, "the event to cause")
      ->required()
      ->check(CLI::IsMember(cli::triggerable_events()));
  int finance_exit = -1;
  cli::add_finance_commands(cli, &finance_exit);
  CLI11_PARSE(cli, argc, argv);
  if (finance_exit >= 0) return finance_exit;
  if (replay_cmd->parsed()) return replay(data_dir);
  if (schemas_cmd->parsed()) return schemas(docs, check);
  if (listen_cmd->parsed()) return cli::listen(listen);
  if (trigger_cmd->parsed()) return cli::trigger(listen.target, event);
  return 2;
}
