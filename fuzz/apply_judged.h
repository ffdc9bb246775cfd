#pragma once
// An event applied as the projectors apply one (projections/projector.cc): decoded and evolved
// under ThrowingAssertions, so that an event breaking an invariant is refused, not fatal. Checks
// what the projector relies on: an event that does not decode leaves the state as it was (after
// a broken invariant the state is unspecified, and the projector rebuilds it).
#include <string>

#include "contract/aggregate.h"
#include "domain/assert.h"
#include "eventstore/codec.h"
#include "json/writer.h"

namespace payledger::fuzz {

inline std::string encoded(const contract::Aggregate& aggregate, const contract::State& state) {
  json::Writer w;
  aggregate.write_state(w, state);
  return w.take();
}

// Applies the event to `state`; returns whether it was taken.
inline bool apply_judged(const contract::Aggregate& aggregate, contract::State& state,
                         const eventstore::EventHeader& header, json::Value data) {
  const std::string before = encoded(aggregate, state);
  contract::Applied applied;
  try {
    const ThrowingAssertions judging;
    if (!aggregate.apply(state, header, data, &applied).is_ok()) {
      PL_ASSERT(encoded(aggregate, state) == before,
                "an event that does not decode changes nothing");
      return false;
    }
  } catch (const InvariantBroken&) {
    return false;
  }
  (void)aggregate.broken_invariant(state);
  return true;
}

}  // namespace payledger::fuzz
