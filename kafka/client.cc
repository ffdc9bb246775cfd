#include "kafka/client.h"

#include <charconv>
#include <set>

#include "kafka/topics.h"

namespace payledger::kafka {
namespace {

using eventstore::Status;

struct QueueDeleter {
  void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
};
struct EventDeleter {
  void operator()(rd_kafka_event_t* e) const { rd_kafka_event_destroy(e); }
};
struct MetadataDeleter {
  void operator()(const rd_kafka_metadata_t* m) const { rd_kafka_metadata_destroy(m); }
};

int timeout_ms(std::chrono::milliseconds t) {
  return static_cast<int>(t.count());
}

}  // namespace

Expected<KafkaHandle, std::string> make_client(rd_kafka_type_t type, const Settings& settings,
                                               DeliveryCallback on_delivery, void* opaque) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  for (const auto& [k, v] : settings) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return Unexpected{k + ": " + err};
    }
  }
  if (on_delivery != nullptr) rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  rd_kafka_conf_set_opaque(conf, opaque);
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof err);  // takes conf on success
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return Unexpected{std::string(err)};
  }
  return KafkaHandle(rk);
}

Status ensure_topics(rd_kafka_t* rk, const std::vector<std::string>& topics, int partitions,
                     std::chrono::milliseconds timeout) {
  std::vector<rd_kafka_NewTopic_t*> specs;
  specs.reserve(topics.size());
  char err[512];
  for (const auto& t : topics) {
    specs.push_back(rd_kafka_NewTopic_new(t.c_str(), partitions, -1, err, sizeof err));
  }
  std::unique_ptr<rd_kafka_queue_t, QueueDeleter> queue(rd_kafka_queue_new(rk));
  rd_kafka_AdminOptions_t* options = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
  (void)rd_kafka_AdminOptions_set_operation_timeout(options, timeout_ms(timeout), err, sizeof err);
  (void)rd_kafka_AdminOptions_set_request_timeout(options, timeout_ms(timeout), err, sizeof err);
  rd_kafka_CreateTopics(rk, specs.data(), specs.size(), options, queue.get());
  rd_kafka_AdminOptions_destroy(options);
  rd_kafka_NewTopic_destroy_array(specs.data(), specs.size());
  std::unique_ptr<rd_kafka_event_t, EventDeleter> ev(
      rd_kafka_queue_poll(queue.get(), timeout_ms(timeout) + 1000));
  if (!ev) return Status::timeout("creating topics");
  if (rd_kafka_event_error(ev.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::io_error(std::string("creating topics: ") +
                            rd_kafka_event_error_string(ev.get()));
  }
  const rd_kafka_CreateTopics_result_t* result = rd_kafka_event_CreateTopics_result(ev.get());
  size_t n = 0;
  const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(result, &n);
  for (size_t i = 0; i < n; ++i) {
    const rd_kafka_resp_err_t e = rd_kafka_topic_result_error(results[i]);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR && e != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
      return Status::io_error(std::string("creating ") + rd_kafka_topic_result_name(results[i]) +
                              ": " + rd_kafka_err2str(e));
    }
  }
  return Status::ok();
}

Expected<std::map<std::string, int>, Status> partition_counts(
    rd_kafka_t* rk, const std::vector<std::string>& topics, std::chrono::milliseconds timeout) {
  const rd_kafka_metadata_t* raw = nullptr;
  const rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 1, nullptr, &raw, timeout_ms(timeout));
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Unexpected{Status::io_error(std::string("metadata: ") + rd_kafka_err2str(e))};
  }
  std::unique_ptr<const rd_kafka_metadata_t, MetadataDeleter> md(raw);
  std::map<std::string, int> counts;
  for (int i = 0; i < md->topic_cnt; ++i) {
    const auto& t = md->topics[i];
    if (t.err == RD_KAFKA_RESP_ERR_NO_ERROR && t.partition_cnt > 0) {
      counts[t.topic] = t.partition_cnt;
    }
  }
  for (const auto& t : topics) {
    if (!counts.contains(t)) return Unexpected{Status::not_found("topic " + t)};
  }
  std::map<std::string, int> wanted;
  for (const auto& t : topics) wanted[t] = counts[t];
  return wanted;
}

std::optional<std::string_view> header_value(const rd_kafka_message_t* msg, const char* name) {
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(msg, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR) return std::nullopt;
  const void* value = nullptr;
  size_t size = 0;
  if (rd_kafka_header_get_last(headers, name, &value, &size) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return std::nullopt;
  }
  if (value == nullptr) return std::string_view();
  return std::string_view(static_cast<const char*>(value), size);
}

std::optional<std::uint64_t> parse_u64(std::string_view text) {
  std::uint64_t v = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return v;
}

std::optional<std::uint64_t> header_u64(const rd_kafka_message_t* msg, const char* name) {
  const auto value = header_value(msg, name);
  if (!value) return std::nullopt;
  return parse_u64(*value);
}

std::int32_t partition_for(const std::string& key, int partitions) {
  return rd_kafka_msg_partitioner_murmur2_random(nullptr, key.data(), key.size(), partitions,
                                                 nullptr, nullptr);
}

Expected<std::map<TopicPartition, std::uint64_t>, Status> last_positions(
    const std::string& brokers, const std::map<std::string, int>& partitions,
    std::chrono::milliseconds timeout) {
  auto consumer = make_client(RD_KAFKA_CONSUMER, {{"bootstrap.servers", brokers},
                                                  {"group.id", "payledger-relay-recovery"},
                                                  {"enable.auto.commit", "false"},
                                                  {"enable.partition.eof", "false"}});
  if (!consumer) return Unexpected{Status::invalid_argument(consumer.error())};
  rd_kafka_t* rk = consumer->get();
  std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter> assignment(
      rd_kafka_topic_partition_list_new(8));
  std::set<TopicPartition> waiting;
  for (const auto& [topic, count] : partitions) {
    for (std::int32_t p = 0; p < count; ++p) {
      int64_t low = 0;
      int64_t high = 0;
      const rd_kafka_resp_err_t e =
          rd_kafka_query_watermark_offsets(rk, topic.c_str(), p, &low, &high, timeout_ms(timeout));
      if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return Unexpected{Status::io_error(std::string("watermarks: ") + rd_kafka_err2str(e))};
      }
      if (high <= low) continue;
      rd_kafka_topic_partition_list_add(assignment.get(), topic.c_str(), p)->offset = high - 1;
      waiting.insert({topic, p});
    }
  }
  std::map<TopicPartition, std::uint64_t> out;
  if (waiting.empty()) return out;
  if (rd_kafka_assign(rk, assignment.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Unexpected{Status::io_error("assigning partitions to read their last messages")};
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!waiting.empty() && std::chrono::steady_clock::now() < deadline) {
    std::unique_ptr<rd_kafka_message_t, MessageDeleter> msg(rd_kafka_consumer_poll(rk, 100));
    if (!msg || msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    const TopicPartition tp{rd_kafka_topic_name(msg->rkt), msg->partition};
    auto position = header_u64(msg.get(), kHeaderPosition);
    if (!position) return Unexpected{Status::corruption("a message without a position header")};
    out[tp] = std::max(out[tp], *position);
    waiting.erase(tp);
  }
  (void)rd_kafka_consumer_close(rk);
  if (!waiting.empty()) return Unexpected{Status::timeout("reading the partitions' last messages")};
  return out;
}

}  // namespace payledger::kafka
