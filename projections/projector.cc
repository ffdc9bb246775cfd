#include "projections/projector.h"

#include <rocksdb/iterator.h>

#include "domain/assert.h"
#include "domain/payment_intent.h"
#include "eventstore/codec.h"
#include "eventstore/json_writer.h"
#include "projections/render.h"

namespace payledger::projections {
namespace {

namespace d = domain;
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

void move_due(std::optional<d::UnixSeconds> old_due, const d::PaymentIntent& after,
              ViewBatch& batch) {
  const auto new_due = d::due_at(after);
  if (old_due == new_due) return;
  if (old_due) batch.erase(ViewKeys::due(old_due->value, after.merchant.value, after.id.value));
  if (new_due) batch.put(ViewKeys::due(new_due->value, after.merchant.value, after.id.value), "");
}

}  // namespace

Projector::Projector(eventstore::Database& db, std::string name, bool bulk)
    : db_(db), name_(std::move(name)), bulk_(bulk) {
  const Status s = load_checkpoint();
  PL_ASSERT(s.is_ok(), "a projector's checkpoint is readable");
}

Status Projector::load_checkpoint() {
  // Events parked by an earlier run: while there are none, no event needs to look for any.
  std::unique_ptr<rocksdb::Iterator> it(db_.db()->NewIterator(rocksdb::ReadOptions(), db_.views()));
  for (it->Seek(ViewKeys::kParkedPrefix);
       it->Valid() && it->key().starts_with(ViewKeys::kParkedPrefix); it->Next()) {
    ++parked_;
  }
  if (!it->status().ok()) return Status::io_error(it->status().ToString());
  const ViewBatch empty(db_.db(), db_.views());
  if (Status s = read_u64(empty, ViewKeys::checkpoint(name_), &watermark_); !s.is_ok()) return s;
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

eventstore::Status Projector::flush() {
  rocksdb::FlushOptions options;
  options.wait = true;
  rocksdb::Status s = db_.db()->Flush(options, db_.views());
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
  const std::uint64_t parked_before = parked_;
  ViewBatch batch(db_.db(), db_.views());
  touched_.clear();
  Status s = Status::ok();
  for (const auto& e : events) {
    s = apply_and_drain(e, batch);
    if (!s.is_ok()) break;
  }
  if (s.is_ok()) {
    render_touched(batch);
    std::string packed;
    for (std::uint64_t p : above_) packed += be64_string(p);
    batch.put(ViewKeys::checkpoint(name_), be64_string(watermark_));
    batch.put(ViewKeys::checkpoint_above(name_), std::move(packed));
    for (const auto& [k, v] : extra_writes) batch.put(k, v);
    s = batch.commit(/*wal=*/!bulk_);
  }
  touched_.clear();
  if (!s.is_ok()) {  // nothing was written: forget what this call applied in memory
    watermark_ = watermark_before;
    above_ = above_before;
    parked_ = parked_before;
  }
  return s;
}

// Applies one event, then any parked successors of its stream that it unblocks.
Status Projector::apply_and_drain(const eventstore::StoredEvent& event, ViewBatch& batch) {
  auto rec = eventstore::decode_event(event.payload);
  if (!rec) return rec.error();
  auto applied = apply_one(*rec, event.position, batch);
  if (!applied) return applied.error();
  if (*applied == Applied::parked) return Status::ok();
  reached(event.position.value);
  if (*applied == Applied::duplicate) return Status::ok();
  if (parked_ == 0) return Status::ok();  // nothing waits for this stream's next version
  const std::string parked_key = ViewKeys::parked(rec->meta.stream_id, rec->meta.version.value + 1);
  std::string parked;
  Status s = batch.get(parked_key, &parked);
  if (s.code() == Status::Code::not_found) return Status::ok();
  if (!s.is_ok()) return s;
  if (parked.size() < 8) return Status::corruption("parked event " + parked_key);
  batch.erase(parked_key);
  PL_ASSERT(parked_ > 0, "a parked event was counted");
  --parked_;
  return apply_and_drain(
      {eventstore::Position{eventstore::get_be64(parked.data())}, parked.substr(8)}, batch);
}

Expected<Projector::Applied, Status> Projector::apply_one(const d::Recorded& rec, Position pos,
                                                          ViewBatch& batch) {
  // Every event has one position, so a position applied already means a redelivery.
  if (applied(pos.value)) return Applied::duplicate;
  const std::string version_key = ViewKeys::stream_version(rec.meta.stream_id);
  if (rec.meta.version.value > 1) {  // a first version needs no predecessor
    std::uint64_t applied_version = 0;
    if (auto t = touched_.find(rec.meta.stream_id); t != touched_.end()) {
      applied_version = t->second.state->version.value;
    } else if (Status s = read_u64(batch, version_key, &applied_version); !s.is_ok()) {
      return Unexpected{s};
    }
    if (rec.meta.version.value <= applied_version) return Applied::duplicate;
    if (rec.meta.version.value != applied_version + 1) {
      // An earlier version of this stream has not arrived yet (another topic, another
      // partition): keep this one until it has.
      const std::string parked_key = ViewKeys::parked(rec.meta.stream_id, rec.meta.version.value);
      std::string already;
      Status s = batch.get(parked_key, &already);
      if (s.code() == Status::Code::not_found) {
        ++parked_;
      } else if (!s.is_ok()) {
        return Unexpected{s};
      }
      batch.put(parked_key, be64_string(pos.value) + eventstore::encode_event(rec.meta, rec.body));
      return Applied::parked;
    }
  }
  const std::string& merchant = rec.meta.merchant.value;
  if (const auto* m = std::get_if<d::MerchantCreated>(&rec.body)) {
    batch.put(version_key, be64_string(rec.meta.version.value));
    eventstore::JsonWriter w;
    w.begin_object();
    w.text("id", m->id.value);
    w.text("name", m->name);
    w.end_object();
    batch.put(ViewKeys::merchant(merchant), w.take());
    return Applied::applied;
  }
  if (const auto* k = std::get_if<d::ApiKeyCreated>(&rec.body)) {
    batch.put(version_key, be64_string(rec.meta.version.value));
    batch.put(ViewKeys::api_key(k->key_sha256), merchant);
    return Applied::applied;
  }
  // An intent's stream version is written with its view, in render_touched().
  if (const auto* r = std::get_if<d::RefundCreated>(&rec.body)) {
    batch.put(ViewKeys::refund(merchant, r->id.value), render_refund(rec.meta, *r));
    batch.put(ViewKeys::refund_position(merchant, r->id.value), be64_string(pos.value));
    batch.put(ViewKeys::refund_list(merchant, pos), r->id.value);
  }
  if (Status s = apply_intent(rec, pos, batch); !s.is_ok()) return Unexpected{s};
  return Applied::applied;
}

// Evolves the intent in touched_ (read from its view the first time this call touches it);
// render_touched() writes its view once, after the last of the call's events.
Status Projector::apply_intent(const d::Recorded& rec, Position pos, ViewBatch& batch) {
  const std::string& merchant = rec.meta.merchant.value;
  const std::string& id = rec.meta.stream_id;
  auto it = touched_.find(id);
  if (it == touched_.end()) {
    Touched t;
    t.view_key = ViewKeys::intent(merchant, id);
    if (rec.meta.version.value > 1) {
      std::string json;
      if (Status s = batch.get(t.view_key, &json); !s.is_ok()) return s;
      auto parsed = parse_intent(json);
      if (!parsed) return Status::corruption(parsed.error());
      parsed->version = d::StreamVersion{rec.meta.version.value - 1};
      t.due_before = d::due_at(*parsed);
      t.state = std::move(*parsed);
    }
    it = touched_.emplace(id, std::move(t)).first;
  }
  if (rec.meta.version.value == 1) {
    batch.put(ViewKeys::intent_position(merchant, id), be64_string(pos.value));
    batch.put(ViewKeys::intent_list(merchant, pos), id);
  }
  it->second.state = d::evolve(std::move(it->second.state), rec);
  return Status::ok();
}

void Projector::render_touched(ViewBatch& batch) {
  for (auto& [stream_id, touched] : touched_) {
    PL_ASSERT(touched.state.has_value(), "an intent's events start with its creation");
    move_due(touched.due_before, *touched.state, batch);
    batch.put(ViewKeys::stream_version(stream_id), be64_string(touched.state->version.value));
    batch.put(std::move(touched.view_key), render_intent(*touched.state));
  }
}

}  // namespace payledger::projections
