#pragma once
// Webhook delivery (docs/webhooks.md): one more follower of the log. The queuing side follows
// the log from a durable checkpoint (eventstore::LogFollower); for each batch it waits until the
// views hold the batch's public events, and queues one delivery per (event, endpoint that wants
// it), with its checkpoint in the same write. The Dispatcher sends them, signed as Stripe signs.
// A crash at any moment loses no delivery: what is queued stays until an attempt's end is
// written, so an event may arrive twice (receivers dedupe on its id), never zero times.
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "api/clock.h"
#include "api/routes.h"
#include "api/secrets.h"
#include "eventstore/database.h"
#include "eventstore/event_store.h"
#include "eventstore/log_follower.h"
#include "projections/read_side.h"
#include "webhooks/dispatcher.h"
#include "webhooks/endpoints.h"
#include "webhooks/options.h"

namespace payledger::webhooks {

class Delivery final : private eventstore::LogConsumer {
 public:
  // `endpoints`: the resource that holds the endpoints (webhooks/endpoint_source.h).
  // REQUIRES: every reference outlives the delivery.
  Delivery(eventstore::EventStore& store, eventstore::Database& db,
           const projections::ReadSide& read_side, const api::Secrets& secrets,
           const EndpointSource& endpoints, const api::Clock& clock, DeliveryOptions options,
           DeliveryObserver* observer = nullptr);
  ~Delivery() override;
  Delivery(const Delivery&) = delete;
  Delivery& operator=(const Delivery&) = delete;

  void start();
  void stop();  // idempotent

  // The routes: GET <the endpoints' path>/{id}/attempts, POST /v1/events/{id}/retry.
  void routes(api::Routes& routes);

  // Queues one attempt of the merchant's public event to one of its endpoints, due now, off the
  // retry schedule; returns the attempt's JSON once made, nullopt if not within `wait`.
  // Status::conflict when a retry of the same event to the same endpoint is being made.
  // REQUIRES: the event and the endpoint are the merchant's (the route checks).
  Expected<std::optional<std::string>, eventstore::Status> redeliver(
      const std::string& merchant, const std::string& event_id, std::uint64_t sequence,
      const std::string& type, const std::string& endpoint, std::chrono::milliseconds wait);

  // The last log position whose deliveries are queued.
  eventstore::Position checkpoint() const override {
    return eventstore::Position{checkpoint_.load()};
  }

  Directory& directory() { return directory_; }
  const EndpointSource& endpoints() const { return endpoints_; }
  eventstore::Database& db() { return db_; }

 private:
  eventstore::Status consume(const std::vector<eventstore::StoredEvent>& events) override;
  eventstore::Status queue_announced(std::uint64_t first_position, std::uint64_t last_position,
                                     rocksdb::WriteBatch& batch, std::set<std::string>& woken);

  eventstore::Database& db_;
  const projections::ReadSide& read_side_;
  const api::Clock& clock_;
  DeliveryOptions options_;
  const std::string endpoint_marker_;  // how an endpoint's events name their stream
  const EndpointSource& endpoints_;
  Directory directory_;
  Dispatcher dispatcher_;
  std::atomic<std::uint64_t> checkpoint_{0};
  std::mutex retry_mu_;  // redeliver(): the check that no retry is queued, and the queuing
  std::unique_ptr<eventstore::LogFollower> follower_;
};

}  // namespace payledger::webhooks
