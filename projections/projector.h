#pragma once
// Applies events to every view, for every aggregate of the registry. Used by the embedded
// runner, by `payledger replay`, and by any process that receives the events from elsewhere
// (a Kafka projector node): the same code for all of them.
//
// Per stream the views keep a record (ViewKeys::stream): the version applied, the aggregate's
// state in its own encoding, and the bookkeeping of the documents it renders (list position,
// index values). An apply() call folds each touched stream's events into its state and renders
// its documents once, at the end, in one atomic batch with the checkpoint.
//
// Public events: each announcement an event makes (contract::Announcement) becomes an Event
// document (object "event", listed by type) with the announced document rendered as it is right
// after that event, and an entry in the ordered ViewKeys::announced keyspace.
//
// Quarantine: an event that does not decode, whose stream or type no aggregate declares, or that
// does not follow its stream's last applied version, is recorded under ViewKeys::quarantined with
// the reason, logged and counted; its stream is marked poisoned (later events of it are
// quarantined too, since its state would be wrong), and every other stream goes on.
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "contract/aggregate.h"
#include "contract/registry.h"
#include "eventstore/codec.h"
#include "eventstore/database.h"
#include "eventstore/event_store.h"
#include "eventstore/status.h"
#include "projections/view_store.h"

namespace payledger::projections {

struct ProjectionObserver {
  virtual ~ProjectionObserver() = default;
  virtual void projected(std::size_t events, std::uint64_t lag_events) = 0;
  virtual void quarantined() {}
};

// A document's bookkeeping in its stream's record.
struct DocumentBook {
  std::string object;
  std::string id;
  std::uint64_t position = 0;  // of the event that created it: its place in the lists
  domain::Metadata index;
  bool deleted = false;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("object", s.object);
    v("id", s.id);
    v("position", s.position);
    v("index", s.index);
    v("deleted", s.deleted);
  }
};

// What the views know of one stream, besides the aggregate's state.
struct StreamBook {
  std::uint64_t version = 0;
  std::string merchant;
  std::optional<std::int64_t> due_at;
  std::string clock;  // the test clock whose due index holds due_at; empty: the system's
  std::vector<DocumentBook> documents;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("version", s.version);
    v("merchant", s.merchant);
    v("due_at", s.due_at);
    v("clock", s.clock);
    v("documents", s.documents);
  }
};

class Projector {
 public:
  // Loads the checkpoint. REQUIRES: `db`, `registry` and `observer` outlive the projector.
  // `name` keys its checkpoint. A `bulk` projector (a rebuild) writes without RocksDB's WAL;
  // call flush() at its end.
  Projector(eventstore::Database& db, const contract::Registry& registry,
            std::string name = "read_side", bool bulk = false,
            ProjectionObserver* observer = nullptr);

  // Applies `events` to the views and moves the checkpoint, with `extra_writes` (a consumer's
  // offsets, say), all in one atomic batch. Events may come more than once, and streams may
  // interleave in any order; each stream's own events must come in version order (else the
  // later one is quarantined). Returns an error only for I/O failures: nothing was written then.
  eventstore::Status apply(
      const std::vector<eventstore::StoredEvent>& events,
      const std::vector<std::pair<std::string, std::string>>& extra_writes = {});

  // Every position up to the watermark has been applied (0 before any). Positions above it
  // that were applied already are remembered, so the watermark moves as gaps fill.
  eventstore::Position watermark() const { return eventstore::Position{watermark_}; }
  // Events quarantined since this projector was made.
  std::uint64_t quarantined() const { return quarantined_; }

  // Makes every applied batch durable (a bulk projector's writes are in memory until then).
  eventstore::Status flush();

 private:
  // A stream changed by the events of one apply() call: its documents are rendered once, at
  // the end.
  struct Touched {
    const contract::Aggregate* aggregate = nullptr;
    std::unique_ptr<contract::State> state;
    StreamBook book;
    std::vector<std::pair<contract::DocumentRef, std::uint64_t>> created;  // with positions
    // The events of this stream applied by this apply() call, in order, and whether the state
    // began from the stream's record: what rebuilding the state after an event that broke an
    // invariant (restore) starts from and applies again.
    std::vector<const eventstore::StoredEvent*> applied;
    bool from_record = false;
  };
  eventstore::Status load_checkpoint();
  eventstore::Status apply_event(const eventstore::StoredEvent& event, ViewBatch& batch);
  Expected<Touched*, eventstore::Status> touch(const eventstore::EventHeader& header,
                                               const contract::Aggregate& aggregate,
                                               const ViewBatch& batch);
  eventstore::Status restore(const std::string& stream_id, Touched& t, const ViewBatch& batch);
  eventstore::Status load_record(const std::string& stream_id, const contract::Aggregate& aggregate,
                                 const ViewBatch& batch, StreamBook* book, contract::State& state);
  eventstore::Status quarantine(eventstore::Position p, const std::string& stream_id,
                                const std::string& type, const std::string& reason,
                                ViewBatch& batch);
  void announce(const eventstore::EventHeader& header, std::uint64_t position, Touched& t,
                const std::vector<contract::Announcement>& announced, ViewBatch& batch);
  void render(const std::string& stream_id, Touched& t, ViewBatch& batch);
  void render_document(Touched& t, contract::Document& doc, ViewBatch& batch);
  bool applied(std::uint64_t position) const;
  void reached(std::uint64_t position);

  eventstore::Database& db_;
  const contract::Registry& registry_;
  std::string name_;
  bool bulk_;
  ProjectionObserver* observer_;
  eventstore::EnvelopeParser parser_;
  std::uint64_t watermark_ = 0;
  std::set<std::uint64_t> above_;   // applied positions above the watermark
  std::set<std::string> poisoned_;  // streams with a quarantined event
  std::uint64_t quarantined_ = 0;
  std::unordered_map<std::string, Touched> touched_;  // by stream id, within one apply()
};

}  // namespace payledger::projections
