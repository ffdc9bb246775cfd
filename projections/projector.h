#pragma once
// Applies events to every view. Used by the embedded runner, by `payledger replay`, and by any
// process that receives the events from elsewhere: the same code for all of them.
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/events.h"
#include "domain/payment_intent.h"
#include "eventstore/database.h"
#include "eventstore/event_store.h"
#include "eventstore/status.h"
#include "projections/view_store.h"

namespace payledger::projections {

class Projector {
 public:
  // Loads the checkpoint. REQUIRES: `db` outlives the projector. `name` keys its checkpoint.
  // A `bulk` projector (a rebuild) writes without RocksDB's WAL; call flush() at its end.
  explicit Projector(eventstore::Database& db, std::string name = "read_side", bool bulk = false);

  // Applies `events` to the views and moves the checkpoint, with `extra_writes` (a consumer's
  // offsets, say), all in one atomic batch. Events may come in any order and more than once:
  // an event whose stream version was applied already changes nothing, and one that comes
  // before an earlier version of its stream waits (parked in the views) until the gap fills.
  eventstore::Status apply(
      const std::vector<eventstore::StoredEvent>& events,
      const std::vector<std::pair<std::string, std::string>>& extra_writes = {});

  // Every position up to the watermark has been applied (0 before any). Positions above it
  // that were applied already are remembered, so the watermark moves as gaps fill.
  eventstore::Position watermark() const { return eventstore::Position{watermark_}; }

  // Makes every applied batch durable (a bulk projector's writes are in memory until then).
  eventstore::Status flush();

 private:
  enum class Applied { applied, duplicate, parked };
  eventstore::Status load_checkpoint();
  Expected<Applied, eventstore::Status> apply_one(const domain::Recorded& rec,
                                                  eventstore::Position pos, ViewBatch& batch);
  eventstore::Status apply_and_drain(const eventstore::StoredEvent& event, ViewBatch& batch);
  eventstore::Status apply_intent(const domain::Recorded& rec, eventstore::Position pos,
                                  ViewBatch& batch);
  void render_touched(ViewBatch& batch);
  bool applied(std::uint64_t position) const;
  void reached(std::uint64_t position);

  // An intent changed by the events of one apply() call: its view is rendered once, at the end.
  struct Touched {
    std::string view_key;
    domain::IntentState state;
    std::optional<domain::UnixSeconds> due_before;  // where its due index entry was
  };

  eventstore::Database& db_;
  std::string name_;
  bool bulk_;
  std::uint64_t watermark_ = 0;
  std::set<std::uint64_t> above_;                     // applied positions above the watermark
  std::uint64_t parked_ = 0;                          // events parked in the views
  std::unordered_map<std::string, Touched> touched_;  // by stream id, within one apply()
};

}  // namespace payledger::projections
