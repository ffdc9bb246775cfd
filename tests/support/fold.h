#pragma once
// Test helper for the pure decider tables: folds a decision's events into a state.
#include <cstdint>
#include <utility>
#include <vector>

#include "domain/events.h"
#include "domain/types.h"

namespace payledger::testing {

// Returns `state` after `events` through the resource's evolve (ADL); ++version per event.
template <class Event, class State>
State fold(State state, const std::vector<Event>& events, std::uint64_t& version) {
  for (const auto& e : events) {
    const domain::EventMeta meta{domain::EventId{"evt"}, "s", domain::StreamVersion{++version},
                                 domain::MerchantId{"m"}, domain::UnixSeconds{100}};
    state = evolve(std::move(state), domain::RecordedOf<Event>{meta, e});
  }
  return state;
}

}  // namespace payledger::testing
