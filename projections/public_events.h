#pragma once
// Public events (Stripe's Event objects, docs/events.md "Public events"): what the projector
// writes for each announcement an event of the log makes. Deterministic: rebuilding the views
// from the log gives the same ids and the same JSON.
#include <cstdint>
#include <string>
#include <string_view>

#include "contract/aggregate.h"
#include "domain/types.h"

namespace payledger::projections {

// At most this many public events per event of the log; a public event's sequence number is
// position * kAnnouncementsPerEvent + its index, which orders all public events of the log.
inline constexpr std::uint64_t kAnnouncementsPerEvent = 8;

// The id of the public event with sequence number `sequence`: "evt_" and 11 base62 characters
// of a bijective mix of the number, so ids are unique and do not count the log's events.
std::string public_event_id(std::uint64_t sequence);

// `prefix` and 11 base62 characters of a bijective mix of `sequence` xor `salt`: the ids of
// documents the projector makes itself (public events, balance transactions).
std::string sequence_id(std::string_view prefix, std::uint64_t sequence, std::uint64_t salt);

// Stripe's previous_attributes: every top-level member of `after` whose value differs in
// `before`, with its value there (null when `before` lacked it). Both are JSON objects;
// `before` empty (or either not an object) gives {}.
std::string previous_attributes(std::string_view before, std::string_view after);

struct PublicEvent {
  std::string id;
  std::string_view type;
  domain::UnixSeconds created;
  std::string_view object_json;          // data.object
  std::string previous_attributes = {};  // data.previous_attributes; empty: left out
};

// The Event object: {id, object: "event", api_version, created, data, livemode,
// pending_webhooks, request, type}.
std::string public_event_json(const PublicEvent& event);

}  // namespace payledger::projections
