#pragma once
// The embedded read side: follows the event store (a LogFollower), projects each new batch, and
// tells waiting API requests when their write has reached the views (read-your-writes).
#include <atomic>
#include <chrono>
#include <thread>

#include "eventstore/event_store.h"
#include "eventstore/log_follower.h"
#include "eventstore/position_gate.h"
#include "projections/projector.h"
#include "projections/read_side.h"

namespace payledger::projections {

// Drops every view and checkpoint (to rebuild from position 0) and marks the views with this
// build's format. REQUIRES: no projection runs on `db`.
eventstore::Status reset_views(eventstore::Database& db);
// Views written by another layout of keys are dropped, to be rebuilt from the log; the views
// then carry this build's format. REQUIRES: no projection runs on `db` yet.
eventstore::Status ensure_view_format(eventstore::Database& db);

class Runner final : public ReadSide, private eventstore::LogConsumer {
 public:
  // Starts following `store` from the projector's checkpoint.
  // REQUIRES: store, db, registry and observer outlive the runner.
  Runner(eventstore::EventStore& store, eventstore::Database& db,
         const contract::Registry& registry, ProjectionObserver* observer = nullptr);
  ~Runner() override;
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  eventstore::Position reached() const override {
    return eventstore::Position{projected_.reached()};
  }
  bool wait_for(eventstore::Position p, std::chrono::milliseconds timeout) const override;

 private:
  // LogConsumer: each batch of the log is applied to the views with the checkpoint, in one
  // atomic write (the projector's watermark).
  eventstore::Position checkpoint() const override { return projector_.watermark(); }
  eventstore::Status consume(const std::vector<eventstore::StoredEvent>& events) override;

  eventstore::EventStore& store_;
  Projector projector_;
  ProjectionObserver* observer_;
  eventstore::PositionGate projected_;  // the projector's watermark
  eventstore::LogFollower follower_;    // last: it starts from the projector's checkpoint
};

}  // namespace payledger::projections
