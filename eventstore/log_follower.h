#pragma once
// Following the log from a durable checkpoint: the one loop behind every background consumer of
// the log (the embedded projection runner, the Kafka relay, and next the workers that process
// payments and deliver webhooks). A follower reads the events after the consumer's checkpoint in
// batches, on a thread of its own, and hands them over in position order; the consumer makes
// its effects and its checkpoint durable together (or its effects idempotent per position), so
// that a crash replays exactly what was not done. A consumer's failure never stops the process:
// the follower logs it, waits, and starts again from the consumer's checkpoint.
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "eventstore/event_store.h"
#include "eventstore/status.h"

namespace payledger::eventstore {

class LogConsumer {
 public:
  virtual ~LogConsumer() = default;
  // The last position whose effects are durable: the follower starts after it, and starts
  // there again after a failure.
  virtual Position checkpoint() const = 0;
  // Handles `events`, the consecutive positions after the last batch. Returns an error to have
  // the batch (and everything after the checkpoint) handed over again later.
  virtual Status consume(const std::vector<StoredEvent>& events) = 0;
  // Called when no new event came within the follower's poll interval (flush, report, ...).
  // Returns an error to start again from the checkpoint.
  virtual Status idle() { return Status::ok(); }
};

struct FollowerOptions {
  std::string name;                 // for logs
  std::size_t batch_events = 2048;  // events per consume() at most
  std::chrono::milliseconds poll{100};
  std::chrono::milliseconds retry_after{500};  // after a failure
};

class LogFollower {
 public:
  // REQUIRES: store and consumer outlive the follower.
  LogFollower(EventStore& store, LogConsumer& consumer, FollowerOptions options);
  ~LogFollower();  // stop()
  LogFollower(const LogFollower&) = delete;
  LogFollower& operator=(const LogFollower&) = delete;

  void start();
  // Stops after the batch being consumed. Idempotent.
  void stop();
  // The last position handed over successfully (not necessarily durable: see checkpoint()).
  Position consumed() const { return Position{consumed_.load()}; }

 private:
  void run();
  bool step(std::vector<StoredEvent>& events);
  void pause(std::chrono::milliseconds d) const;

  EventStore& store_;
  LogConsumer& consumer_;
  FollowerOptions options_;
  std::atomic<std::uint64_t> consumed_{0};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace payledger::eventstore
