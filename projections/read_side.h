#pragma once
// What the API needs of a read side, embedded (Runner) or fed by Kafka (a projector node):
// how far the views are, and a way to wait until they have reached a write.
#include <chrono>

#include "eventstore/event_store.h"

namespace payledger::projections {

class ReadSide {
 public:
  virtual ~ReadSide() = default;
  // Every event up to this position is in the views.
  virtual eventstore::Position reached() const = 0;
  // Blocks until reached() >= p or the timeout passes; returns whether it was reached.
  virtual bool wait_for(eventstore::Position p, std::chrono::milliseconds timeout) const = 0;
};

}  // namespace payledger::projections
