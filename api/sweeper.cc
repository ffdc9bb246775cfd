#include "api/sweeper.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "api/idempotency.h"

namespace payledger::api {
namespace {
constexpr std::size_t kMaxPerPass = 1000;
constexpr std::int64_t kPurgeEverySeconds = 3600;
// A pass with many due streams runs them on up to this many threads, one per this many items.
constexpr std::size_t kMaxWorkers = 16;
constexpr std::size_t kItemsPerWorker = 8;
// Advancing a test clock: passes over its due index before the advance is left for a later
// sweep, and how long each pass waits for the views to hold what it wrote.
constexpr int kMaxClockPasses = 16;
constexpr std::chrono::milliseconds kClockViewsWait{2000};
}  // namespace

std::size_t Sweeper::sweep_once() {
  const std::int64_t now = clock_.now().value;
  auto due = queries_.due(now, kMaxPerPass);
  if (!due) {
    spdlog::error("due-time sweep cannot read the due index: {}", due.error().to_string());
    return 0;
  }
  // Each item is another stream, so items run in parallel without conflicts: their appends then
  // share group commits instead of waiting for one sync each (one thread fell behind a write
  // load that makes work due at once: docs/performance.md).
  std::atomic<std::size_t> done{0};
  auto run_slice = [&](std::size_t first, std::size_t step) {
    for (std::size_t i = first; i < due->size(); i += step) {
      const auto& item = (*due)[i];
      // The view may lag the log: the module decides on the log's state and the time again.
      const contract::Aggregate* aggregate = registry_.for_stream(item.stream_id);
      const Resource* resource = resources_.of(aggregate);
      if (resource == nullptr) continue;
      if (aggregate->keeps_time() && !catch_up_clock(item)) continue;
      if (resource->run_due(commands_, domain::MerchantId{item.merchant}, item.stream_id)) ++done;
    }
  };
  const std::size_t workers =
      std::min(kMaxWorkers, std::max<std::size_t>(1, due->size() / kItemsPerWorker));
  std::vector<std::thread> threads;
  for (std::size_t w = 1; w < workers; ++w) threads.emplace_back(run_slice, w, workers);
  run_slice(0, workers);
  for (auto& t : threads) t.join();
  if (now - last_purge_ >= kPurgeEverySeconds) {
    last_purge_ = now;
    auto purged = purge_expired_records(db_, now);
    if (!purged) spdlog::error("idempotency purge failed: {}", purged.error().to_string());
  }
  return done.load();
}

bool Sweeper::catch_up_clock(const projections::DueStream& clock) {
  const domain::MerchantId merchant{clock.merchant};
  auto time = commands_.time_on(merchant, clock.stream_id);
  if (!time) {
    spdlog::error("test clock {}: cannot read its time: {}", clock.stream_id,
                  time.error().to_string());
    return false;
  }
  for (int pass = 0; pass < kMaxClockPasses; ++pass) {
    auto due = queries_.due_on_clock(clock.stream_id, time->value, kMaxPerPass);
    if (!due) {
      spdlog::error("test clock {}: cannot read its due index: {}", clock.stream_id,
                    due.error().to_string());
      return false;
    }
    bool wrote = false;
    for (const auto& item : *due) {
      const Resource* resource = resources_.of(registry_.for_stream(item.stream_id));
      if (resource == nullptr) continue;
      // The module takes the time from the stream's clock (Transaction::live_on).
      if (resource->run_due(commands_, domain::MerchantId{item.merchant}, item.stream_id)) {
        wrote = true;
      }
    }
    if (!wrote) return true;
    // The index is read again once the views hold what this pass wrote.
    const eventstore::Position written = commands_.store().last_position();
    if (views_ == nullptr || !views_->wait_for(written, kClockViewsWait)) return false;
  }
  spdlog::warn("test clock {}: work still due after {} passes; the advance goes on later",
               clock.stream_id, kMaxClockPasses);
  return false;
}

void Sweeper::start(int interval_ms, const projections::ReadSide* views) {
  views_ = views;
  thread_ = std::thread([this, interval_ms, views] {
    const auto interval = std::chrono::milliseconds(interval_ms);
    // Waiting on the views is bounded by this slice, so that stop() is noticed quickly.
    constexpr auto kSlice = std::chrono::milliseconds(50);
    // Under a steady write load the views move all the time: passes they trigger are at least
    // this far apart, so the due index is read at most a few hundred times a second.
    constexpr auto kMinGap = std::chrono::milliseconds(2);
    eventstore::Position seen = views ? views->reached() : eventstore::Position{};
    auto last_pass = std::chrono::steady_clock::time_point{};
    std::unique_lock lock(mu_);
    while (!stopping_) {
      const auto now = std::chrono::steady_clock::now();
      const bool moved = views != nullptr && views->reached() > seen;
      if (moved && now - last_pass < kMinGap) {
        cv_.wait_for(lock, kMinGap - (now - last_pass), [&] { return stopping_; });
        continue;
      }
      if (moved || now - last_pass >= interval) {
        if (views != nullptr) seen = views->reached();
        last_pass = now;
        lock.unlock();
        (void)sweep_once();
        lock.lock();
        continue;
      }
      if (views == nullptr) {
        cv_.wait_for(lock, interval - (now - last_pass), [&] { return stopping_; });
        continue;
      }
      lock.unlock();
      (void)views->wait_for(eventstore::Position{seen.value + 1}, kSlice);
      lock.lock();
    }
  });
}

void Sweeper::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace payledger::api
