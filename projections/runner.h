#pragma once
// The embedded read side: a thread that follows the event store, projects each new event, and
// tells waiting API requests when their write has reached the views (read-your-writes).
#include <atomic>
#include <chrono>
#include <thread>

#include "eventstore/event_store.h"
#include "eventstore/position_gate.h"
#include "projections/projector.h"
#include "projections/read_side.h"

namespace payledger::projections {

struct ProjectionObserver {
  virtual ~ProjectionObserver() = default;
  virtual void projected(std::size_t events, std::uint64_t lag_events) = 0;
};

class Runner final : public ReadSide {
 public:
  // Starts following `store` from the projector's checkpoint.
  // REQUIRES: store and db outlive the runner.
  Runner(eventstore::EventStore& store, eventstore::Database& db,
         ProjectionObserver* observer = nullptr);
  ~Runner() override;
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  eventstore::Position reached() const override {
    return eventstore::Position{projected_.reached()};
  }
  bool wait_for(eventstore::Position p, std::chrono::milliseconds timeout) const override;

 private:
  void loop();
  eventstore::EventStore& store_;
  Projector projector_;
  ProjectionObserver* observer_;
  eventstore::PositionGate projected_;  // the projector's watermark
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace payledger::projections
