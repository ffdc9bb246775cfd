#pragma once
// Reading a data directory's events straight from the database, in position order, without an
// EventStore (whose reads stop at what it has synced itself): for the log's upgrade at open and
// the tools that read a data directory (verify, reconcile, export).
#include <cstdint>
#include <functional>
#include <limits>
#include <string_view>

#include "eventstore/database.h"
#include "eventstore/status.h"

namespace payledger::eventstore {

// The position of the last event key of the log column family; 0 when there is none.
std::uint64_t last_event_position(const Database& db);

// Calls `visit(position, event bytes)` for every event key from `from` up to `to`, in order,
// and stops at the first visit that does not return ok (returning what it returned). Gaps are
// not checked here: each caller says what a missing position means to it.
Status scan_events(const Database& db, std::uint64_t from, std::uint64_t to,
                   const std::function<Status(std::uint64_t, std::string_view)>& visit);

inline constexpr std::uint64_t kLogEnd = std::numeric_limits<std::uint64_t>::max();

}  // namespace payledger::eventstore
