// The event store alone: durable appends/s with W concurrent writers, against the disk's own
// fsync rate (a write + fdatasync loop) measured in the same run. Prints one JSON line each.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include "eventstore/database.h"
#include "eventstore/event_store.h"

namespace {

using Clock = std::chrono::steady_clock;

double fsync_rate(const std::string& dir, double seconds) {
  const std::string path = dir + "/fsync-probe";
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return 0;
  const std::string block(512, 'x');
  std::uint64_t syncs = 0;
  const auto end = Clock::now() + std::chrono::duration<double>(seconds);
  while (Clock::now() < end) {
    if (write(fd, block.data(), block.size()) != static_cast<ssize_t>(block.size())) break;
    if (fdatasync(fd) != 0) break;
    ++syncs;
  }
  close(fd);
  std::filesystem::remove(path);
  return static_cast<double>(syncs) / seconds;
}

// Counts the store's syncs, to report how many appends each one made durable.
struct SyncCounter final : payledger::eventstore::StoreObserver {
  std::atomic<std::uint64_t> groups{0};
  std::atomic<std::uint64_t> sync_us{0};
  void group_committed(std::size_t /*appends*/, std::size_t /*events*/,
                       double sync_seconds) override {
    ++groups;
    sync_us += static_cast<std::uint64_t>(sync_seconds * 1e6);
  }
};

struct AppendRun {
  double per_second = 0;
  double appends_per_group = 0;
  double sync_us = 0;  // mean duration of one WAL sync
};

AppendRun append_rate(const std::string& dir, int writers, double seconds) {
  auto db = payledger::eventstore::Database::open(dir);
  if (!db) return {};
  SyncCounter counter;
  payledger::eventstore::EventStore store(**db, &counter);
  // An envelope of typical size (a payment_intent.captured is ~250 bytes).
  const std::string payload(250, 'e');
  std::atomic<std::uint64_t> appended{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(writers));
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      for (std::uint64_t i = 0; !stop; ++i) {
        payledger::eventstore::AppendRequest r{{{fmt::format("pi_w{}_{}", w, i), 0, {payload}}},
                                               {}};
        if (store.append(std::move(r))) ++appended;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : threads) t.join();
  const auto groups = static_cast<double>(std::max<std::uint64_t>(counter.groups.load(), 1));
  return {static_cast<double>(appended.load()) / seconds,
          static_cast<double>(appended.load()) / groups,
          static_cast<double>(counter.sync_us.load()) / groups};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"bench_store: event store appends against the disk's fsync rate"};
  std::string dir = "/tmp/payledger-bench-store";
  double seconds = 5;
  std::vector<int> writers{1, 8, 64};
  cli.add_option("--dir", dir)->capture_default_str();
  cli.add_option("--seconds", seconds)->capture_default_str();
  cli.add_option("--writers", writers)->capture_default_str();
  CLI11_PARSE(cli, argc, argv);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  fmt::print("{{\"scenario\":\"fsync\",\"per_second\":{:.0f}}}\n", fsync_rate(dir, seconds));
  for (int w : writers) {
    const std::string sub = fmt::format("{}/w{}", dir, w);
    const AppendRun run = append_rate(sub, w, seconds);
    fmt::print(
        "{{\"scenario\":\"store_append\",\"writers\":{},\"per_second\":{:.0f},"
        "\"appends_per_group\":{:.1f},\"sync_us\":{:.0f}}}\n",
        w, run.per_second, run.appends_per_group, run.sync_us);
  }
  std::filesystem::remove_all(dir);
}
