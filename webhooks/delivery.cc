#include "webhooks/delivery.h"

#include <rocksdb/db.h>
#include <rocksdb/iterator.h>
#include <rocksdb/write_batch.h>
#include <spdlog/spdlog.h>

#include "projections/public_events.h"
#include "projections/view_store.h"
#include "webhooks/store.h"

namespace payledger::webhooks {
namespace {

using eventstore::Status;

// How long queuing waits for the views to hold a batch's public events before it tries again.
constexpr auto kViewsWait = std::chrono::seconds(10);

std::uint64_t read_checkpoint(eventstore::Database& db) {
  std::string v;
  if (db.db()
          ->Get(rocksdb::ReadOptions(), webhooks::webhooks_family(db), StoreKeys::kCheckpoint, &v)
          .ok() &&
      v.size() == 8) {
    return eventstore::get_be64(v.data());
  }
  return 0;
}

// Whether an event of the log belongs to an endpoint's stream (its envelope names it):
// `marker` is "stream_id":"<the endpoints' stream prefix>.
bool is_endpoint_event(const eventstore::StoredEvent& e, const std::string& marker) {
  return e.payload.find(marker) != std::string::npos;
}

}  // namespace

Delivery::Delivery(eventstore::EventStore& store, eventstore::Database& db,
                   const projections::ReadSide& read_side, const api::Secrets& secrets,
                   const EndpointSource& endpoints, const api::Clock& clock,
                   DeliveryOptions options, DeliveryObserver* observer)
    : db_(db),
      read_side_(read_side),
      clock_(clock),
      options_(std::move(options)),
      endpoint_marker_("\"stream_id\":\"" + std::string(endpoints.aggregate().stream_prefix())),
      endpoints_(endpoints),
      directory_(db, secrets, endpoints),
      dispatcher_(db, directory_, clock, options_, observer),
      checkpoint_(read_checkpoint(db)) {
  follower_ = std::make_unique<eventstore::LogFollower>(
      store, static_cast<eventstore::LogConsumer&>(*this),
      eventstore::FollowerOptions{.name = "webhook delivery"});
}

Delivery::~Delivery() {
  stop();
}

void Delivery::start() {
  dispatcher_.start();
  follower_->start();
}

void Delivery::stop() {
  follower_->stop();
  dispatcher_.stop();
}

Status Delivery::consume(const std::vector<eventstore::StoredEvent>& events) {
  const std::uint64_t first = events.front().position.value;
  const std::uint64_t last = events.back().position.value;
  if (!read_side_.wait_for(eventstore::Position{last}, kViewsWait)) {
    return Status::timeout("the views have not reached position " + std::to_string(last));
  }
  if (std::any_of(events.begin(), events.end(), [&](const eventstore::StoredEvent& e) {
        return is_endpoint_event(e, endpoint_marker_);
      })) {
    directory_.forget();
  }
  rocksdb::WriteBatch batch;
  std::set<std::string> woken;
  if (Status s = queue_announced(first, last, batch, woken); !s.is_ok()) return s;
  std::string checkpoint;
  eventstore::put_be64(checkpoint, last);
  batch.Put(webhooks::webhooks_family(db_), StoreKeys::kCheckpoint, checkpoint);
  // Not synced: the checkpoint moves with what it queued, so a power cut that loses this write
  // queues the same deliveries again.
  const rocksdb::Status s = db_.db()->Write(rocksdb::WriteOptions(), &batch);
  if (!s.ok()) return Status::io_error("queuing webhook deliveries: " + s.ToString());
  checkpoint_ = last;
  dispatcher_.wake(woken);
  return Status::ok();
}

// Queues the public events of log positions first..last for every endpoint that wants them
// and existed before them.
Status Delivery::queue_announced(std::uint64_t first, std::uint64_t last,
                                 rocksdb::WriteBatch& batch, std::set<std::string>& woken) {
  using projections::kAnnouncementsPerEvent;
  using projections::ViewKeys;
  const std::string from = ViewKeys::announced(first * kAnnouncementsPerEvent);
  const std::string to = ViewKeys::announced((last + 1) * kAnnouncementsPerEvent);
  const std::int64_t now = clock_.now().value;
  std::unique_ptr<rocksdb::Iterator> it(
      db_.db()->NewIterator(rocksdb::ReadOptions(), projections::views_family(db_)));
  for (it->Seek(from); it->Valid() && it->key().compare(to) < 0; it->Next()) {
    const std::string_view key = it->key().ToStringView();
    const std::uint64_t sequence =
        eventstore::get_be64(key.data() + ViewKeys::kAnnouncedPrefix.size());
    const std::string_view value = it->value().ToStringView();
    const auto a = value.find('\0');
    const auto b = value.find('\0', a + 1);
    if (a == std::string_view::npos || b == std::string_view::npos) {
      return Status::corruption("announced entry " + std::to_string(sequence));
    }
    Pending p;
    p.merchant = std::string(value.substr(0, a));
    p.event_id = std::string(value.substr(a + 1, b - a - 1));
    p.type = std::string(value.substr(b + 1));
    p.sequence = sequence;
    p.due_at = now;
    p.first_at = now;
    auto endpoints = directory_.of_merchant(p.merchant);
    if (!endpoints) return endpoints.error();
    for (const EndpointRef& e : *endpoints) {
      if (e->created_position >= sequence / kAnnouncementsPerEvent || !e->wants(p.type)) continue;
      p.endpoint = e->id;
      batch.Put(webhooks::webhooks_family(db_), p.key(), p.value());
      woken.insert(e->id);
    }
  }
  if (!it->status().ok()) return Status::io_error(it->status().ToString());
  return Status::ok();
}

Expected<std::optional<std::string>, Status> Delivery::redeliver(
    const std::string& merchant, const std::string& event_id, std::uint64_t sequence,
    const std::string& type, const std::string& endpoint, std::chrono::milliseconds wait) {
  Pending p;
  p.endpoint = endpoint;
  p.merchant = merchant;
  p.event_id = event_id;
  p.type = type;
  p.sequence = sequence;
  p.manual = true;
  p.due_at = clock_.now().value;
  p.first_at = p.due_at;
  // One retry of an event to an endpoint at a time: a second in the same second would have the
  // same key (and the first one's end would remove it unattempted).
  std::lock_guard lock(retry_mu_);
  std::string queued;
  const rocksdb::Status found =
      db_.db()->Get(rocksdb::ReadOptions(), webhooks::webhooks_family(db_), p.key(), &queued);
  if (found.ok())
    return Unexpected{
        Status::conflict("a retry of this event to this endpoint is "
                         "being made")};
  rocksdb::WriteBatch batch;
  batch.Put(webhooks::webhooks_family(db_), p.key(), p.value());
  dispatcher_.watch(p.key());
  rocksdb::WriteOptions synced;
  synced.sync = true;  // the answer says it is queued
  if (const rocksdb::Status s = db_.db()->Write(synced, &batch); !s.ok()) {
    (void)dispatcher_.wait_attempt(p.key(), std::chrono::milliseconds(0));  // unwatch
    return Unexpected{Status::io_error("queuing a retry: " + s.ToString())};
  }
  dispatcher_.wake({endpoint}, /*anywhere=*/true);
  return dispatcher_.wait_attempt(p.key(), wait);
}

}  // namespace payledger::webhooks
