#include "projections/projector.h"

#include <algorithm>

#include <rocksdb/db.h>
#include <rocksdb/iterator.h>
#include <spdlog/spdlog.h>

#include "contract/field_codec.h"
#include "domain/assert.h"
#include "projections/documents.h"
#include "projections/ledger.h"
#include "projections/public_events.h"
#include "projections/view_store.h"

namespace payledger::projections {
namespace {

using eventstore::Position;
using eventstore::Status;

Status read_u64(const ViewBatch& batch, const std::string& key, std::uint64_t* out) {
  std::string v;
  Status s = batch.get(key, &v);
  if (s.code() == Status::Code::not_found) {
    *out = 0;
    return Status::ok();
  }
  if (!s.is_ok()) return s;
  if (v.size() != 8) return Status::corruption("u64 view " + key);
  *out = eventstore::get_be64(v.data());
  return Status::ok();
}

// The lists a document is in: the list of all ("" = ""), and one per index value.
domain::Metadata lists_of(const domain::Metadata& index, bool deleted) {
  if (deleted) return {};
  domain::Metadata lists = index;
  lists.emplace("", "");
  return lists;
}

}  // namespace

Projector::Projector(eventstore::Database& db, const contract::Registry& registry, std::string name,
                     bool bulk, ProjectionObserver* observer)
    : db_(db), registry_(registry), name_(std::move(name)), bulk_(bulk), observer_(observer) {
  const Status s = load_checkpoint();
  PL_ASSERT(s.is_ok(), "a projector's checkpoint is readable");
}

Status Projector::load_checkpoint() {
  const ViewBatch empty(db_.db(), projections::views_family(db_));
  if (Status s = read_u64(empty, ViewKeys::checkpoint(name_), &watermark_); !s.is_ok()) return s;
  const std::string poisoned_prefix = ViewKeys::poisoned(name_, "");
  std::unique_ptr<rocksdb::Iterator> it(
      db_.db()->NewIterator(rocksdb::ReadOptions(), projections::views_family(db_)));
  for (it->Seek(poisoned_prefix); it->Valid() && it->key().starts_with(poisoned_prefix);
       it->Next()) {
    poisoned_.insert(it->key().ToString().substr(poisoned_prefix.size()));
  }
  if (!it->status().ok()) return Status::io_error(it->status().ToString());
  std::string packed;
  Status s = empty.get(ViewKeys::checkpoint_above(name_), &packed);
  if (s.code() == Status::Code::not_found) return Status::ok();
  if (!s.is_ok()) return s;
  if (packed.size() % 8 != 0) return Status::corruption("positions above the checkpoint");
  for (std::size_t i = 0; i < packed.size(); i += 8) {
    above_.insert(eventstore::get_be64(packed.data() + i));
  }
  return Status::ok();
}

bool Projector::applied(std::uint64_t position) const {
  return position <= watermark_ || above_.contains(position);
}

Status Projector::flush() {
  rocksdb::FlushOptions options;
  options.wait = true;
  rocksdb::Status s = db_.db()->Flush(options, projections::views_family(db_));
  if (!s.ok()) return Status::io_error("flushing the views: " + s.ToString());
  return Status::ok();
}

void Projector::reached(std::uint64_t position) {
  if (position <= watermark_) return;
  above_.insert(position);
  while (!above_.empty() && *above_.begin() == watermark_ + 1) {
    watermark_ = *above_.begin();
    above_.erase(above_.begin());
  }
}

Status Projector::apply(const std::vector<eventstore::StoredEvent>& events,
                        const std::vector<std::pair<std::string, std::string>>& extra_writes) {
  if (events.empty() && extra_writes.empty()) return Status::ok();
  const std::uint64_t watermark_before = watermark_;
  const std::set<std::uint64_t> above_before = above_;
  const std::set<std::string> poisoned_before = poisoned_;
  const std::uint64_t quarantined_before = quarantined_;
  ViewBatch batch(db_.db(), projections::views_family(db_));
  touched_.clear();
  Status s = Status::ok();
  for (const auto& e : events) {
    s = apply_event(e, batch);
    if (!s.is_ok()) break;
  }
  if (s.is_ok()) {
    for (auto& [stream_id, touched] : touched_) render(stream_id, touched, batch);
    std::string packed;
    for (std::uint64_t p : above_) packed += be64_string(p);
    batch.put(ViewKeys::checkpoint(name_), be64_string(watermark_));
    batch.put(ViewKeys::checkpoint_above(name_), std::move(packed));
    for (const auto& [k, v] : extra_writes) batch.put(k, v);
    s = batch.commit(/*wal=*/!bulk_);
  }
  // Counted once written: a batch that fails is applied again, and would count twice.
  if (s.is_ok() && observer_ != nullptr) {
    for (std::uint64_t i = quarantined_before; i < quarantined_; ++i) observer_->quarantined();
  }
  touched_.clear();
  if (!s.is_ok()) {  // nothing was written: forget what this call applied in memory
    watermark_ = watermark_before;
    above_ = above_before;
    poisoned_ = poisoned_before;
    quarantined_ = quarantined_before;
  }
  return s;
}

Status Projector::apply_event(const eventstore::StoredEvent& event, ViewBatch& batch) {
  // Every event has one position, so a position applied already means a redelivery.
  if (applied(event.position.value)) return Status::ok();
  eventstore::EventHeader h;
  json::Value data;
  if (Status s = parser_.parse(event.payload, &h, &data); !s.is_ok()) {
    return quarantine(event.position, "", "", s.message(), batch);
  }
  const std::string& stream = h.meta.stream_id;
  const contract::Aggregate* aggregate = registry_.for_stream(stream);
  if (aggregate == nullptr || !aggregate->declares(h.type)) {
    return quarantine(event.position, stream, h.type, "no aggregate declares this event", batch);
  }
  if (poisoned_.contains(stream)) {
    return quarantine(event.position, stream, h.type, "its stream has a quarantined event", batch);
  }
  auto touched = touch(h, *aggregate, batch);
  if (!touched) return touched.error();
  Touched& t = **touched;
  const std::uint64_t version = h.meta.version.value;
  // Applied already under another position: cannot come from payledger's log or relay (a
  // position is one event), kept so that a re-published stream is harmless after version 1.
  if (version <= t.book.version) {
    reached(event.position.value);
    return Status::ok();
  }
  if (version != t.book.version + 1) {
    return quarantine(
        event.position, stream, h.type,
        "version " + std::to_string(version) + " follows version " + std::to_string(t.book.version),
        batch);
  }
  contract::Applied applied;
  try {
    // Judged, not trusted: an event that decodes but breaks an invariant of its stream (a forged
    // or damaged log, a foreign Kafka message) is quarantined like one that does not decode.
    const ThrowingAssertions judging;
    if (Status s = aggregate->apply(*t.state, h, data, &applied); !s.is_ok()) {
      return quarantine(event.position, stream, h.type, s.message(), batch);
    }
  } catch (const InvariantBroken& e) {
    // evolve took the state and lost it: rebuild it as it was before this event.
    if (Status s = restore(stream, t, batch); !s.is_ok()) return s;
    return quarantine(event.position, stream, h.type, "breaks an invariant: " + e.what, batch);
  }
  t.applied.push_back(&event);
  t.book.version = version;
  if (t.book.merchant.empty()) t.book.merchant = h.meta.merchant.value;
  for (auto& ref : applied.created) t.created.emplace_back(std::move(ref), event.position.value);
  if (!applied.announced.empty()) announce(h, event.position.value, t, applied.announced, batch);
  if (!applied.moved.empty()) {
    if (Status s = book_movements(h, event.position.value, applied.moved, batch); !s.is_ok()) {
      return s;
    }
  }
  reached(event.position.value);
  return Status::ok();
}

// The stream's state as it was before the event being applied: what touch() started from, and
// the events this call applied to it since. They decoded and evolved once; should one not again,
// the stream is given up like any other that cannot be read (never a crash: this path exists
// for events that are not trusted).
Status Projector::restore(const std::string& stream_id, Touched& t, const ViewBatch& batch) {
  t.state = t.aggregate->initial();
  if (t.from_record) {
    StreamBook book;
    if (Status s = load_record(stream_id, *t.aggregate, batch, &book, *t.state); !s.is_ok()) {
      return s;
    }
  }
  try {
    const ThrowingAssertions judging;
    for (const eventstore::StoredEvent* e : t.applied) {
      eventstore::EventHeader h;
      json::Value data;
      contract::Applied again;
      Status s = parser_.parse(e->payload, &h, &data);
      if (s.is_ok()) s = t.aggregate->apply(*t.state, h, data, &again);
      if (!s.is_ok()) return Status::corruption("rebuilding " + stream_id + ": " + s.message());
    }
  } catch (const InvariantBroken& e) {
    return Status::corruption("rebuilding " + stream_id + ": " + e.what);
  }
  return Status::ok();
}

// The stream's record, as this call found it, into `book` and `state`; nothing when it has none.
Status Projector::load_record(const std::string& stream_id, const contract::Aggregate& aggregate,
                              const ViewBatch& batch, StreamBook* book, contract::State& state) {
  std::string record;
  Status s = batch.get(ViewKeys::stream(stream_id), &record);
  if (s.is_ok()) return read_record(record, aggregate, book, state);
  if (s.code() == Status::Code::not_found) return Status::ok();
  return s;
}

// The stream's entry in touched_, read from its record the first time this call touches it.
Expected<Projector::Touched*, Status> Projector::touch(const eventstore::EventHeader& header,
                                                       const contract::Aggregate& aggregate,
                                                       const ViewBatch& batch) {
  const std::string& stream = header.meta.stream_id;
  if (auto it = touched_.find(stream); it != touched_.end()) return &it->second;
  Touched t;
  t.aggregate = &aggregate;
  t.state = aggregate.initial();
  // A stream's first event needs no read: nothing of it can be in the views yet.
  t.from_record = header.meta.version.value > 1;
  if (t.from_record) {
    if (Status s = load_record(stream, aggregate, batch, &t.book, *t.state); !s.is_ok()) {
      return Unexpected{s};
    }
  }
  return &touched_.emplace(stream, std::move(t)).first->second;
}

Status Projector::quarantine(Position p, const std::string& stream_id, const std::string& type,
                             const std::string& reason, ViewBatch& batch) {
  spdlog::error("projector {}: quarantined the event at position {} (stream '{}', type '{}'): {}",
                name_, p.value, stream_id, type, reason);
  json::Writer w;
  w.begin_object();
  w.text_or_null("stream_id", stream_id);
  w.text_or_null("type", type);
  w.text("reason", reason);
  w.end_object();
  batch.put(ViewKeys::quarantined(name_, p), w.take());
  if (!stream_id.empty() && poisoned_.insert(stream_id).second) {
    batch.put(ViewKeys::poisoned(name_, stream_id), "");
  }
  ++quarantined_;
  reached(p.value);
  return Status::ok();
}

// Writes the public events of the event at `position`: each with its document as the state
// renders it now, right after the event.
void Projector::announce(const eventstore::EventHeader& header, std::uint64_t position, Touched& t,
                         const std::vector<contract::Announcement>& announced, ViewBatch& batch) {
  // A module's mistake (too many, or a document it does not render) loses that public event,
  // said in the log, never the projection: the same on every rebuild.
  if (announced.size() > kAnnouncementsPerEvent) {
    spdlog::error("projector {}: {} at position {} announces {} public events; the first {} kept",
                  name_, header.type, position, announced.size(), kAnnouncementsPerEvent);
  }
  std::vector<contract::Document> docs;
  t.aggregate->documents(*t.state, &docs);
  const std::string& merchant = t.book.merchant;
  const std::string_view object = contract::kEventObject;
  for (std::size_t k = 0; k < std::min<std::size_t>(announced.size(), kAnnouncementsPerEvent);
       ++k) {
    const contract::Announcement& a = announced[k];
    const auto doc = std::find_if(docs.begin(), docs.end(), [&](const contract::Document& d) {
      return d.object == a.object && d.id == a.id;
    });
    if (doc == docs.end()) {
      spdlog::error(
          "projector {}: {} at position {} announces {} of {} {}, which it does not render", name_,
          header.type, position, a.type, a.object, a.id);
      continue;
    }
    const std::uint64_t sequence = position * kAnnouncementsPerEvent + k;
    // A deleted document is shown as it was before (else as its tombstone).
    std::string tombstone;
    if (doc->deleted && a.before.empty()) tombstone = contract::tombstone(a.object, a.id);
    const std::string& shown = !doc->deleted ? doc->json : a.before.empty() ? tombstone : a.before;
    PublicEvent e{public_event_id(sequence), a.type, header.meta.occurred_at, shown};
    if (a.type.ends_with(".updated"))
      e.previous_attributes = previous_attributes(a.before, doc->json);
    const Position list_position{sequence};
    // created is kept for the Events API's created[...] filters; only type makes a list.
    const domain::Metadata index{{"type", std::string(a.type)},
                                 {"created", std::to_string(header.meta.occurred_at.value)}};
    batch.put(ViewKeys::object(object, merchant, e.id), public_event_json(e));
    batch.put(ViewKeys::list(object, merchant, "", "", list_position), e.id);
    batch.put(ViewKeys::list(object, merchant, "type", a.type, list_position), e.id);
    batch.put(ViewKeys::document(object, merchant, e.id),
              encode_document_meta(list_position, index));
    std::string outbox = merchant;
    outbox.append(1, '\0').append(e.id).append(1, '\0').append(a.type);
    batch.put(ViewKeys::announced(sequence), std::move(outbox));
  }
}

void Projector::render(const std::string& stream_id, Touched& t, ViewBatch& batch) {
  std::vector<contract::Document> docs;
  t.aggregate->documents(*t.state, &docs);
  for (auto& doc : docs) render_document(t, doc, batch);
  std::optional<std::int64_t> due;
  if (auto at = t.aggregate->due_at(*t.state)) due = at->value;
  std::string clock = t.aggregate->clock_of(*t.state);
  if (due != t.book.due_at || clock != t.book.clock) {
    if (t.book.due_at) batch.erase(ViewKeys::due(*t.book.due_at, stream_id, t.book.clock));
    if (due) batch.put(ViewKeys::due(*due, stream_id, clock), t.book.merchant);
    t.book.due_at = due;
    t.book.clock = std::move(clock);
  }
  batch.put(ViewKeys::stream(stream_id), write_record(t.book, *t.aggregate, *t.state));
}

// Writes a document's rendering, and moves its list entries when its index values changed.
void Projector::render_document(Touched& t, contract::Document& doc, ViewBatch& batch) {
  const std::string scope = doc.merchant_wide ? t.book.merchant : std::string();
  DocumentBook* book = nullptr;
  for (auto& b : t.book.documents) {
    if (b.object == doc.object && b.id == doc.id) book = &b;
  }
  domain::Metadata old_lists;
  const bool is_new = book == nullptr;
  if (is_new) {
    std::uint64_t position = 0;
    // The first event that names it created it (a module may name it again after).
    for (const auto& [ref, p] : t.created) {
      if (ref.object == doc.object && ref.id == doc.id) {
        position = p;
        break;
      }
    }
    PL_ASSERT(position > 0, "a document is created by an event of its stream");
    book = &t.book.documents.emplace_back();
    book->object = std::string(doc.object);
    book->id = doc.id;
    book->position = position;
  } else {
    old_lists = lists_of(book->index, book->deleted);
  }
  batch.put(ViewKeys::object(doc.object, scope, doc.id),
            doc.deleted ? contract::tombstone(doc.object, doc.id) : std::move(doc.json));
  const domain::Metadata new_lists = lists_of(doc.index, doc.deleted);
  if (!is_new && new_lists == old_lists) return;
  const Position position{book->position};
  for (const auto& [f, v] : old_lists) {
    if (auto it = new_lists.find(f); it == new_lists.end() || it->second != v) {
      batch.erase(ViewKeys::list(doc.object, scope, f, v, position));
    }
  }
  for (const auto& [f, v] : new_lists) {
    if (auto it = old_lists.find(f); it == old_lists.end() || it->second != v) {
      batch.put(ViewKeys::list(doc.object, scope, f, v, position), doc.id);
    }
  }
  batch.put(ViewKeys::document(doc.object, scope, doc.id),
            encode_document_meta(position, doc.index));
  book->index = std::move(doc.index);
  book->deleted = doc.deleted;
}

}  // namespace payledger::projections
