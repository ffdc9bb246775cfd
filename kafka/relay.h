#pragma once
// The outbox relay: publishes every event of the log to Kafka, in log order, and remembers how
// far the broker has acknowledged. An event it cannot publish (it does not decode, or no
// aggregate owns its stream) is quarantined: logged, counted, recorded in the relay column family
// under "z/" + its position, and in its place a marker (the reason, with the position header) goes
// to the quarantine topic, so that read replicas see the position go by; the relay goes on. The API
// never waits for it: with the broker down, writes go on and the relay catches up when the broker
// is back.
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "contract/registry.h"
#include "eventstore/codec.h"
#include "eventstore/database.h"
#include "eventstore/event_store.h"
#include "eventstore/log_follower.h"
#include "kafka/client.h"
#include "kafka/topics.h"

namespace payledger::kafka {

// The column family of the relay's checkpoint and quarantine: not a view, since a replay must
// not publish again.
inline constexpr std::string_view kRelayFamily = "relay";
// The relay's family of `db`. REQUIRES: `db` was opened with it (or found it on disk).
inline rocksdb::ColumnFamilyHandle* relay_family(const eventstore::Database& db) {
  return db.family(kRelayFamily);
}

struct RelayOptions {
  std::string brokers;  // HOST:PORT[,HOST:PORT...]
  std::string topic_prefix = std::string(kDefaultTopicPrefix);
  int partitions = 4;  // for topics the relay creates
};

struct RelayObserver {
  virtual ~RelayObserver() = default;
  // After each pass: events not yet acknowledged, and the age of the oldest of them.
  virtual void relay_progress(std::uint64_t lag_events, double lag_seconds,
                              std::uint64_t published) = 0;
  virtual void relay_error() = 0;
  // An event no aggregate owns (or that does not decode) was not published.
  virtual void relay_quarantined() {}
};

class Relay final : private eventstore::LogConsumer {
 public:
  // REQUIRES: store and db outlive the relay.
  Relay(eventstore::EventStore& store, eventstore::Database& db, const contract::Registry& registry,
        RelayOptions options, RelayObserver* observer = nullptr);
  ~Relay() override;  // stops, waiting a bounded time for in-flight deliveries
  Relay(const Relay&) = delete;
  Relay& operator=(const Relay&) = delete;

  void start();
  // Every event up to here is acknowledged by the broker.
  eventstore::Position published() const { return eventstore::Position{published_.load()}; }

 private:
  static void on_delivery(rd_kafka_t* rk, const rd_kafka_message_t* msg, void* opaque);
  // LogConsumer: the checkpoint is the last position the broker acknowledged with all before it.
  eventstore::Position checkpoint() const override;
  eventstore::Status consume(const std::vector<eventstore::StoredEvent>& events) override;
  eventstore::Status idle() override;
  eventstore::Status ensure_ready(const std::vector<eventstore::StoredEvent>& events);
  bool connect();
  std::size_t in_flight();
  void delivered(std::uint64_t position);
  void save_checkpoint();
  void report();
  // Records why an event cannot be published (relay column family, log, metric).
  void quarantine(eventstore::Position p, const std::string& why);
  struct Outgoing {
    std::string topic;
    std::int32_t partition = 0;
    std::string key;
    std::string value;
    std::string type;
    std::string event_id;
    std::string schema;
    std::int64_t occurred_at = 0;
  };
  Outgoing outgoing(const eventstore::StoredEvent& e);
  eventstore::Status produce(const Outgoing& out, eventstore::Position p);

  eventstore::EventStore& store_;
  eventstore::Database& db_;
  const contract::Registry& registry_;
  RelayOptions options_;
  RelayObserver* observer_;
  KafkaHandle producer_;
  eventstore::EnvelopeParser parser_;  // used by the relay's thread only
  std::map<std::string, int> partitions_;
  std::map<TopicPartition, std::uint64_t> already_published_;  // from the topics' tails
  std::atomic<std::uint64_t> published_{0};
  std::uint64_t saved_ = 0;
  std::mutex mu_;  // guards done_, in_flight_ (delivery callbacks run in rd_kafka_poll)
  std::set<std::uint64_t> done_;                     // acknowledged above published_
  std::map<std::uint64_t, std::int64_t> in_flight_;  // position -> occurred_at
  std::atomic<bool> fatal_{false};
  bool ready_ = false;  // producer, topics and tails known
  std::atomic<bool> stopping_{false};
  eventstore::LogFollower follower_;  // last: it starts from the checkpoint loaded above
};

}  // namespace payledger::kafka
