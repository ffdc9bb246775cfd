#pragma once
// Sends what waits in the delivery queues (webhooks/store.h): one thread runs every attempt at
// once over libcurl's multi interface, a few per endpoint (DeliveryOptions), so a
// slow or dead endpoint holds only its own connections while the others go on. Each attempt's
// end is written (the attempt, and the delivery removed or rescheduled) in one batch with the
// others that ended in the same turn of the loop.
#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <rocksdb/iterator.h>
#include <rocksdb/write_batch.h>

#include "api/clock.h"
#include "eventstore/database.h"
#include "webhooks/endpoints.h"
#include "webhooks/options.h"
#include "webhooks/store.h"

namespace payledger::webhooks {

class Dispatcher {
 public:
  // REQUIRES: every reference outlives the dispatcher.
  Dispatcher(eventstore::Database& db, Directory& directory, const api::Clock& clock,
             const DeliveryOptions& options, DeliveryObserver* observer);
  ~Dispatcher();  // stop()
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Loads the queues and starts the thread.
  void start();
  // Stops after the current turn; attempts in flight are abandoned (their deliveries wait in the
  // queue, and are sent again after a restart). Idempotent.
  void stop();
  // New deliveries may wait for these endpoints. Thread-safe.
  // `anywhere`: the new deliveries may sort before those already started (a merchant's retry).
  void wake(const std::set<std::string>& endpoints, bool anywhere = false);
  // Waits until the delivery queued under `pending_key` has had its attempt, and returns the
  // attempt's JSON; nullopt after `timeout`. Call watch() before queuing it. Thread-safe.
  void watch(const std::string& pending_key);
  std::optional<std::string> wait_attempt(const std::string& pending_key,
                                          std::chrono::milliseconds timeout);

 private:
  struct Queue {
    int in_flight = 0;
    std::set<std::string> flying;  // pending keys being attempted
    std::int64_t next_due = 0;     // when its first waiting delivery is due
    bool dirty = true;             // may hold deliveries not looked at yet
    // Where the next look starts: just past the last delivery started, or (empty) at the
    // queue's first key. Finished deliveries leave deleted keys behind them, which a look from
    // the start would step over one by one; new deliveries come after it (a later due time, or
    // the same with a later event), and anything that may not is followed by rescan().
    std::string resume;
    void rescan() {
      dirty = true;
      resume.clear();
    }
  };
  struct Flight;

  void run();
  void load_queues();
  void take_woken();
  // Attempts in flight one endpoint may have now (DeliveryOptions::shared_in_flight).
  int share() const;
  void fill(const std::string& endpoint, Queue& q, std::int64_t now, rocksdb::Iterator& it,
            rocksdb::WriteBatch& batch);
  bool launch(Pending p, std::string key, std::int64_t now, rocksdb::WriteBatch& batch);
  void finish(CURL* easy, CURLcode result, std::int64_t now, rocksdb::WriteBatch& batch);
  Attempt conclude(Pending p, int status_code, const std::string& error, bool ok, std::int64_t now,
                   rocksdb::WriteBatch& batch);
  void commit(rocksdb::WriteBatch& batch);
  void report_ages(std::int64_t now);

  eventstore::Database& db_;
  Directory& directory_;
  const api::Clock& clock_;
  const DeliveryOptions& options_;
  DeliveryObserver* observer_;
  CURLM* multi_ = nullptr;
  std::map<std::string, Queue> queues_;  // by endpoint: those that may have work
  std::map<CURL*, std::unique_ptr<Flight>> flights_;
  std::uint64_t next_attempt_ = 1;
  std::int64_t put_off_until_ = 0;  // set by launch(): when a delivery it put off is due
  std::chrono::steady_clock::time_point ages_reported_;
  std::chrono::steady_clock::time_point rescanned_;
  std::set<std::string> aged_;  // endpoints whose age was last reported non-zero

  std::mutex mu_;  // guards what other threads touch
  std::set<std::string> woken_;
  std::set<std::string> woken_anywhere_;
  std::condition_variable attempted_;
  std::set<std::string> watched_;
  std::map<std::string, std::string> ended_;  // watched keys' attempts, once made
  std::vector<std::pair<std::string, std::string>> ended_in_turn_;  // (key, attempt), this turn

  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace payledger::webhooks
