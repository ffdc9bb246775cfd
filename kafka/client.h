#pragma once
// Small RAII helpers over librdkafka's C API.
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/expected.h"
#include "eventstore/status.h"

namespace payledger::kafka {

struct KafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using KafkaHandle = std::unique_ptr<rd_kafka_t, KafkaDeleter>;
// For std::unique_ptr of what a consumer hands out.
struct MessageDeleter {
  void operator()(rd_kafka_message_t* m) const { rd_kafka_message_destroy(m); }
};
struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const {
    rd_kafka_topic_partition_list_destroy(l);
  }
};

using Settings = std::vector<std::pair<std::string, std::string>>;
using DeliveryCallback = void (*)(rd_kafka_t*, const rd_kafka_message_t*, void*);

// A producer or consumer from settings. `opaque` is passed to the delivery callback.
// Returns why when a setting is refused.
Expected<KafkaHandle, std::string> make_client(rd_kafka_type_t type, const Settings& settings,
                                               DeliveryCallback on_delivery = nullptr,
                                               void* opaque = nullptr);

// Creates the topics that do not exist yet, with `partitions` partitions each.
eventstore::Status ensure_topics(rd_kafka_t* rk, const std::vector<std::string>& topics,
                                 int partitions, std::chrono::milliseconds timeout);

// The partition count of each topic; Status::not_found when one does not exist (yet).
Expected<std::map<std::string, int>, eventstore::Status> partition_counts(
    rd_kafka_t* rk, const std::vector<std::string>& topics, std::chrono::milliseconds timeout);

using TopicPartition = std::pair<std::string, std::int32_t>;

// The "payledger-position" header of the last message in every non-empty partition.
Expected<std::map<TopicPartition, std::uint64_t>, eventstore::Status> last_positions(
    const std::string& brokers, const std::map<std::string, int>& partitions,
    std::chrono::milliseconds timeout);

// The value of a message's last header called `name`; nullopt when it has none. The view lives
// as long as the message.
std::optional<std::string_view> header_value(const rd_kafka_message_t* msg, const char* name);
// `text` as an unsigned decimal: digits only, the whole of it, no overflow; nullopt otherwise.
std::optional<std::uint64_t> parse_u64(std::string_view text);
// A header's value parsed as an unsigned decimal, if present and well-formed.
std::optional<std::uint64_t> header_u64(const rd_kafka_message_t* msg, const char* name);

// The partition an aggregate's key maps to: murmur2, as Java clients compute it.
std::int32_t partition_for(const std::string& key, int partitions);

}  // namespace payledger::kafka
