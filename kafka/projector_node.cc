#include "kafka/projector_node.h"

#include <rocksdb/db.h>

#include <spdlog/spdlog.h>

#include "domain/assert.h"
#include "projections/view_store.h"

namespace payledger::kafka {
namespace {

constexpr int kMaxBatch = 1000;

}  // namespace

std::string offset_key(const std::string& topic, std::int32_t partition) {
  std::string k = "o/" + topic;
  k.push_back('\0');
  eventstore::put_be64(k, static_cast<std::uint64_t>(partition));
  return k;
}

ProjectorNode::ProjectorNode(eventstore::Database& db, const contract::Registry& registry,
                             NodeOptions options, projections::ProjectionObserver* observer)
    : db_(db),
      registry_(registry),
      options_(std::move(options)),
      observer_(observer),
      projector_(db, registry, "kafka_node", /*bulk=*/false, observer),
      reached_(projector_.watermark().value) {}

ProjectorNode::~ProjectorNode() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
  reached_.wake_all();
}

void ProjectorNode::start() {
  thread_ = std::thread([this] { run(); });
}

bool ProjectorNode::wait_for(eventstore::Position p, std::chrono::milliseconds timeout) const {
  return reached_.wait_for(p.value, timeout);
}

// Assigns every partition of every topic, starting at the offsets stored with the views.
bool ProjectorNode::subscribe(rd_kafka_t* consumer) {
  auto counts = partition_counts(consumer, all_topics(registry_, options_.topic_prefix),
                                 std::chrono::seconds(5));
  if (!counts) return false;  // the relay has not created the topics yet
  std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter> assignment(
      rd_kafka_topic_partition_list_new(16));
  for (const auto& [topic, count] : *counts) {
    for (std::int32_t p = 0; p < count; ++p) {
      std::string v;
      rocksdb::Status s = db_.db()->Get(rocksdb::ReadOptions(), projections::views_family(db_),
                                        offset_key(topic, p), &v);
      PL_ASSERT(s.ok() || s.IsNotFound(), "stored offsets are readable");
      rd_kafka_topic_partition_list_add(assignment.get(), topic.c_str(), p)->offset =
          s.ok() && v.size() == 8 ? static_cast<int64_t>(eventstore::get_be64(v.data()))
                                  : RD_KAFKA_OFFSET_BEGINNING;
    }
  }
  return rd_kafka_assign(consumer, assignment.get()) == RD_KAFKA_RESP_ERR_NO_ERROR;
}

void ProjectorNode::run() {
  auto consumer = make_client(RD_KAFKA_CONSUMER, {{"bootstrap.servers", options_.brokers},
                                                  {"group.id", options_.group_id},
                                                  {"enable.auto.commit", "false"},
                                                  {"enable.auto.offset.store", "false"},
                                                  {"enable.partition.eof", "false"},
                                                  {"socket.nagle.disable", "true"},
                                                  {"fetch.wait.max.ms", "20"}});
  PL_ASSERT(consumer.has_value(), "the consumer settings are valid");
  while (!stopping_ && !subscribe(consumer->get())) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  while (!stopping_) consume(consumer->get());
  (void)rd_kafka_consumer_close(consumer->get());
}

std::optional<eventstore::StoredEvent> event_of_message(
    std::optional<std::string_view> position_header, std::string_view payload) {
  if (!position_header) return std::nullopt;
  const auto position = parse_u64(*position_header);
  if (!position || *position == 0) return std::nullopt;
  return eventstore::StoredEvent{eventstore::Position{*position}, std::string(payload)};
}

// One batch: messages to events, applied with their offsets in one RocksDB batch.
void ProjectorNode::consume(rd_kafka_t* consumer) {
  std::vector<eventstore::StoredEvent> events;
  std::map<std::pair<std::string, std::int32_t>, std::int64_t> next_offsets;
  for (int i = 0; i < kMaxBatch; ++i) {
    std::unique_ptr<rd_kafka_message_t, MessageDeleter> msg(
        rd_kafka_consumer_poll(consumer, events.empty() ? 100 : 0));
    if (!msg) break;
    if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      spdlog::warn("kafka consume: {}", rd_kafka_message_errstr(msg.get()));
      break;
    }
    next_offsets[{rd_kafka_topic_name(msg->rkt), msg->partition}] = msg->offset + 1;
    const char* payload = static_cast<const char*>(msg->payload);
    auto event = event_of_message(
        header_value(msg.get(), kHeaderPosition),
        payload == nullptr ? std::string_view() : std::string_view(payload, msg->len));
    if (!event) {
      // Not payledger's: without a position it has no place in the views. Skip it, for good.
      spdlog::error("kafka node: skipped a message without a position ({} [{}] offset {})",
                    rd_kafka_topic_name(msg->rkt), msg->partition, msg->offset);
      if (observer_ != nullptr) observer_->quarantined();
      continue;
    }
    events.push_back(std::move(*event));
  }
  if (next_offsets.empty()) return;
  std::vector<std::pair<std::string, std::string>> offsets;
  offsets.reserve(next_offsets.size());
  for (const auto& [tp, offset] : next_offsets) {
    offsets.emplace_back(offset_key(tp.first, tp.second),
                         projections::be64_string(static_cast<std::uint64_t>(offset)));
  }
  const eventstore::Status s = projector_.apply(events, offsets);
  if (!s.is_ok()) {
    // Not an event's fault (those are quarantined): the views cannot be written.
    spdlog::critical("writing the views failed: {}", s.to_string());
    PL_ASSERT(false, "the views accept every write (disk full or failing?)");
  }
  reached_.advance(projector_.watermark().value);
  if (observer_ != nullptr) observer_->projected(events.size(), 0);
}

}  // namespace payledger::kafka
