#pragma once
// Applies events to every view. Used by the embedded runner, by `payledger replay`, and by any
// process that receives the events from elsewhere: the same code for all of them.
#include <string>
#include <vector>

#include "domain/events.h"
#include "eventstore/database.h"
#include "eventstore/event_store.h"
#include "eventstore/status.h"
#include "projections/view_store.h"

namespace payledger::projections {

class Projector {
 public:
  // REQUIRES: `db` outlives the projector. `name` keys its checkpoint.
  explicit Projector(eventstore::Database& db, std::string name = "read_side");

  // Applies `events` (in position order) to the views and moves the checkpoint to the last
  // one, all in one atomic batch. An event whose stream version was applied already is
  // skipped, so a redelivered event changes nothing.
  eventstore::Status apply(const std::vector<eventstore::StoredEvent>& events);

  // The position of the last event applied (0 before any).
  eventstore::Status checkpoint(eventstore::Position* out) const;

 private:
  eventstore::Status apply_one(const domain::Recorded& rec, eventstore::Position pos,
                               ViewBatch& batch) const;
  eventstore::Status apply_intent(const domain::Recorded& rec, eventstore::Position pos,
                                  ViewBatch& batch) const;

  eventstore::Database& db_;
  std::string name_;
};

}  // namespace payledger::projections
