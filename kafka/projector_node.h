#pragma once
// The read side fed by Kafka: consumes every payledger topic and applies the events with the
// same Projector as the embedded read side. The consumed offsets are kept in the views' own
// RocksDB batch (not committed to Kafka), so a crash replays exactly what was not applied.
// A malformed message (no position header) is logged, counted and skipped with its offset; one
// whose event does not decode is quarantined by the projector. Neither stops the node.
#include <atomic>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "eventstore/database.h"
#include "eventstore/position_gate.h"
#include "kafka/client.h"
#include "kafka/topics.h"
#include "projections/projector.h"
#include "projections/read_side.h"
#include "projections/runner.h"

namespace payledger::kafka {

struct NodeOptions {
  std::string brokers;
  std::string topic_prefix = std::string(kDefaultTopicPrefix);
  std::string group_id;  // a group of its own: every node is a full replica
};

class ProjectorNode final : public projections::ReadSide {
 public:
  // REQUIRES: db outlives the node.
  ProjectorNode(eventstore::Database& db, const contract::Registry& registry, NodeOptions options,
                projections::ProjectionObserver* observer = nullptr);
  ~ProjectorNode() override;
  ProjectorNode(const ProjectorNode&) = delete;
  ProjectorNode& operator=(const ProjectorNode&) = delete;

  void start();
  eventstore::Position reached() const override { return eventstore::Position{reached_.reached()}; }
  bool wait_for(eventstore::Position p, std::chrono::milliseconds timeout) const override;

 private:
  void run();
  bool subscribe(rd_kafka_t* consumer);
  void consume(rd_kafka_t* consumer);

  eventstore::Database& db_;
  const contract::Registry& registry_;
  NodeOptions options_;
  projections::ProjectionObserver* observer_;
  projections::Projector projector_;
  eventstore::PositionGate reached_;  // the projector's watermark
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

// The event a consumed message carries, from its "payledger-position" header (nullopt when the
// message has none) and its payload. nullopt for a message that is not payledger's: no
// position, or not a decimal above 0. The payload is not looked into (the projector decodes it).
std::optional<eventstore::StoredEvent> event_of_message(
    std::optional<std::string_view> position_header, std::string_view payload);

// The views key holding the next offset to consume of a topic partition.
std::string offset_key(const std::string& topic, std::int32_t partition);

}  // namespace payledger::kafka
