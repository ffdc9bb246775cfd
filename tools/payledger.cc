// payledger: the operator's CLI.
//   payledger replay --data-dir DIR    rebuild every projection from the log
#include <chrono>
#include <cstdio>
#include <future>

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include "eventstore/database.h"
#include "eventstore/event_store.h"
#include "projections/projector.h"

namespace {

using namespace payledger;

// A one-line progress bar on stderr, redrawn at most ten times a second.
class ProgressBar {
 public:
  explicit ProgressBar(std::uint64_t total) : total_(total) {}
  void update(std::uint64_t done, bool force = false) {
    const auto now = std::chrono::steady_clock::now();
    if (!force && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    const double fraction = total_ == 0 ? 1.0 : static_cast<double>(done) / total_;
    const int filled = static_cast<int>(fraction * 40);
    fmt::print(stderr, "\r[{:=<{}}{: <{}}] {:>5.1f}% {}/{} events", "", filled, "", 40 - filled,
               fraction * 100, done, total_);
    std::fflush(stderr);
  }
  void finish(std::uint64_t done) {
    update(done, true);
    fmt::print(stderr, "\n");
  }

 private:
  std::uint64_t total_;
  std::chrono::steady_clock::time_point last_{};
};

// Events per projector batch: an intent's events mostly fall in one batch, so its view is
// rendered once rather than once per event.
constexpr std::size_t kReplayBatchEvents = 32'768;

int replay(const std::string& data_dir) {
  auto db = eventstore::Database::open(data_dir);
  if (!db) {
    fmt::print(stderr, "cannot open {}: {}\n(is payledgerd still running on it?)\n", data_dir,
               db.error().to_string());
    return 1;
  }
  if (auto s = (*db)->reset_views(); !s.is_ok()) {
    fmt::print(stderr, "cannot reset the views: {}\n", s.to_string());
    return 1;
  }
  eventstore::EventStore store(**db);
  // A rebuild writes its views without RocksDB's WAL and flushes them at the end: a crash
  // midway leaves a consistent prefix (checkpoint included) that payledgerd continues from.
  projections::Projector projector(**db, "read_side", /*bulk=*/true);
  const std::uint64_t total = store.last_position().value;
  ProgressBar bar(total);
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

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"payledger: operate a payledger data directory"};
  cli.require_subcommand(1);
  std::string data_dir = "./data";
  auto* replay_cmd = cli.add_subcommand("replay", "rebuild every projection from the event log");
  replay_cmd->add_option("--data-dir", data_dir, "RocksDB data directory")->capture_default_str();
  CLI11_PARSE(cli, argc, argv);
  if (replay_cmd->parsed()) return replay(data_dir);
  return 2;
}
