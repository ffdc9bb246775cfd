#include "projections/projector.h"

#include <nlohmann/json.hpp>

#include "domain/payment_intent.h"
#include "eventstore/codec.h"
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

void move_due(const d::IntentState& before, const d::PaymentIntent& after, ViewBatch& batch) {
  const auto old_due = before ? d::due_at(*before) : std::nullopt;
  const auto new_due = d::due_at(after);
  if (old_due == new_due) return;
  if (old_due) batch.erase(ViewKeys::due(old_due->value, after.merchant.value, after.id.value));
  if (new_due) batch.put(ViewKeys::due(new_due->value, after.merchant.value, after.id.value), "");
}

}  // namespace

Projector::Projector(eventstore::Database& db, std::string name)
    : db_(db), name_(std::move(name)) {}

Status Projector::checkpoint(Position* out) const {
  ViewBatch empty(db_.db(), db_.views());
  return read_u64(empty, ViewKeys::checkpoint(name_), &out->value);
}

Status Projector::apply(const std::vector<eventstore::StoredEvent>& events) {
  if (events.empty()) return Status::ok();
  ViewBatch batch(db_.db(), db_.views());
  for (const auto& e : events) {
    auto rec = eventstore::decode_event(e.payload);
    if (!rec) return rec.error();
    if (Status s = apply_one(*rec, e.position, batch); !s.is_ok()) return s;
  }
  batch.put(ViewKeys::checkpoint(name_), be64_string(events.back().position.value));
  return batch.commit();
}

Status Projector::apply_one(const d::Recorded& rec, Position pos, ViewBatch& batch) const {
  const std::string version_key = ViewKeys::stream_version(rec.meta.stream_id);
  std::uint64_t applied = 0;
  if (Status s = read_u64(batch, version_key, &applied); !s.is_ok()) return s;
  if (rec.meta.version.value <= applied) return Status::ok();  // delivered before
  if (rec.meta.version.value != applied + 1) {
    return Status::corruption("stream " + rec.meta.stream_id + " skips from version " +
                              std::to_string(applied) + " to " +
                              std::to_string(rec.meta.version.value));
  }
  batch.put(version_key, be64_string(rec.meta.version.value));
  const std::string& merchant = rec.meta.merchant.value;
  if (const auto* m = std::get_if<d::MerchantCreated>(&rec.body)) {
    batch.put(ViewKeys::merchant(merchant),
              nlohmann::ordered_json{{"id", m->id.value}, {"name", m->name}}.dump());
    return Status::ok();
  }
  if (const auto* k = std::get_if<d::ApiKeyCreated>(&rec.body)) {
    batch.put(ViewKeys::api_key(k->key_sha256), merchant);
    return Status::ok();
  }
  if (const auto* r = std::get_if<d::RefundCreated>(&rec.body)) {
    batch.put(ViewKeys::refund(merchant, r->id.value), render_refund(rec.meta, *r));
    batch.put(ViewKeys::refund_position(merchant, r->id.value), be64_string(pos.value));
    batch.put(ViewKeys::refund_list(merchant, pos), r->id.value);
  }
  return apply_intent(rec, pos, batch);
}

Status Projector::apply_intent(const d::Recorded& rec, Position pos, ViewBatch& batch) const {
  const std::string& merchant = rec.meta.merchant.value;
  const std::string& id = rec.meta.stream_id;
  const std::string key = ViewKeys::intent(merchant, id);
  d::IntentState before;
  if (rec.meta.version.value > 1) {
    std::string json;
    if (Status s = batch.get(key, &json); !s.is_ok()) return s;
    auto parsed = parse_intent(json);
    if (!parsed) return Status::corruption(parsed.error());
    parsed->version = d::StreamVersion{rec.meta.version.value - 1};
    before = std::move(*parsed);
  } else {
    batch.put(ViewKeys::intent_position(merchant, id), be64_string(pos.value));
    batch.put(ViewKeys::intent_list(merchant, pos), id);
  }
  d::IntentState after = d::evolve(before, rec);
  move_due(before, *after, batch);
  batch.put(key, render_intent(*after));
  return Status::ok();
}

}  // namespace payledger::projections
