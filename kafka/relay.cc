#include "kafka/relay.h"

#include <rocksdb/db.h>

#include <spdlog/spdlog.h>

#include "domain/assert.h"
#include "eventstore/codec.h"

namespace payledger::kafka {
namespace {

constexpr std::size_t kMaxInFlight = 50'000;
constexpr std::size_t kReadBatch = 1000;
const std::string kCheckpointKey = "published";

std::uint64_t load_checkpoint(eventstore::Database& db) {
  std::string v;
  rocksdb::Status s =
      db.db()->Get(rocksdb::ReadOptions(), kafka::relay_family(db), kCheckpointKey, &v);
  if (s.ok() && v.size() == 8) return eventstore::get_be64(v.data());
  PL_ASSERT(s.ok() || s.IsNotFound(), "the relay checkpoint is readable");
  return 0;
}

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

Relay::Relay(eventstore::EventStore& store, eventstore::Database& db,
             const contract::Registry& registry, RelayOptions options, RelayObserver* observer)
    : store_(store),
      db_(db),
      registry_(registry),
      options_(std::move(options)),
      observer_(observer),
      published_(load_checkpoint(db_)),
      saved_(published_.load()),
      follower_(store, *this,
                {"kafka relay", kReadBatch, std::chrono::milliseconds(50),
                 std::chrono::milliseconds(1000)}) {}

Relay::~Relay() {
  stopping_ = true;
  follower_.stop();
  if (producer_) (void)rd_kafka_flush(producer_.get(), 5000);
  save_checkpoint();
}

void Relay::start() {
  follower_.start();
}

eventstore::Position Relay::checkpoint() const {
  return eventstore::Position{published_.load()};
}

void Relay::on_delivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
  auto* relay = static_cast<Relay*>(opaque);
  const auto position = reinterpret_cast<std::uintptr_t>(msg->_private);
  if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    // With an unbounded message timeout, only fatal errors end a delivery: start over from the
    // checkpoint, after reading again what the topics already hold.
    spdlog::error("kafka delivery of position {} failed: {}", position, rd_kafka_err2str(msg->err));
    if (relay->observer_ != nullptr) relay->observer_->relay_error();
    relay->fatal_ = true;
    std::lock_guard lock(relay->mu_);
    relay->in_flight_.erase(position);  // it will be produced again from the checkpoint
    return;
  }
  relay->delivered(position);
}

void Relay::delivered(std::uint64_t position) {
  std::lock_guard lock(mu_);
  in_flight_.erase(position);
  done_.insert(position);
  std::uint64_t p = published_.load();
  while (!done_.empty() && *done_.begin() == p + 1) {
    p = *done_.begin();
    done_.erase(done_.begin());
  }
  published_ = p;
}

// Creates the producer and topics, and learns what the topics already hold, so that events
// published before a crash (after the last saved checkpoint) are not published twice.
bool Relay::connect() {
  if (!producer_ || fatal_) {
    producer_.reset();  // a fatal error: start over with a new producer
    auto producer = make_client(RD_KAFKA_PRODUCER,
                                {{"bootstrap.servers", options_.brokers},
                                 {"enable.idempotence", "true"},
                                 {"acks", "all"},
                                 {"partitioner", "murmur2_random"},
                                 {"socket.nagle.disable", "true"},
                                 {"linger.ms", "5"},
                                 {"message.timeout.ms", "0"},
                                 {"queue.buffering.max.messages", "100000"}},
                                &Relay::on_delivery, this);
    if (!producer) {
      spdlog::error("kafka producer: {}", producer.error());
      return false;
    }
    producer_ = std::move(*producer);
    fatal_ = false;
  }
  const auto topics = all_topics(registry_, options_.topic_prefix);
  const std::chrono::seconds timeout(5);
  if (auto s = ensure_topics(producer_.get(), topics, options_.partitions, timeout); !s.is_ok()) {
    spdlog::warn("kafka relay waiting for the broker: {}", s.to_string());
    return false;
  }
  auto counts = partition_counts(producer_.get(), topics, timeout);
  if (!counts) return false;
  auto tails = last_positions(options_.brokers, *counts, std::chrono::seconds(10));
  if (!tails) {
    spdlog::warn("kafka relay cannot read the topics' tails yet: {}", tails.error().to_string());
    return false;
  }
  partitions_ = std::move(*counts);
  already_published_ = std::move(*tails);
  {
    std::lock_guard lock(mu_);
    done_.clear();
    in_flight_.clear();
  }
  ready_ = true;
  spdlog::info("kafka relay publishing after position {} to {}", published_.load(),
               options_.brokers);
  return true;
}

// A new producer after a fatal error or at the start, then the events from the checkpoint on:
// what the topics already hold (from before a crash) is not published twice.
eventstore::Status Relay::ensure_ready(const std::vector<eventstore::StoredEvent>& events) {
  if (ready_ && !fatal_) return eventstore::Status::ok();
  ready_ = false;
  if (!connect()) {
    if (observer_ != nullptr) observer_->relay_error();
    return eventstore::Status::io_error("the Kafka broker is not reachable yet");
  }
  if (events.front().position.value != published_.load() + 1) {
    return eventstore::Status::io_error("starting again after position " +
                                        std::to_string(published_.load()));
  }
  return eventstore::Status::ok();
}

eventstore::Status Relay::idle() {
  if (producer_) rd_kafka_poll(producer_.get(), 0);
  save_checkpoint();
  report();
  if (fatal_) return eventstore::Status::io_error("a delivery failed; starting again");
  return eventstore::Status::ok();
}

// What the relay sends for one position: the event on its aggregate's topic, or, for an event it
// cannot publish, a marker on the quarantine topic, so that read replicas still see the
// position go by (their watermark waits for every position).
Relay::Outgoing Relay::outgoing(const eventstore::StoredEvent& e) {
  eventstore::EventHeader header;
  json::Value data;
  Outgoing out;
  std::string why;
  if (auto s = parser_.parse(e.payload, &header, &data); !s.is_ok()) {
    why = s.message();
  } else if (auto topic = topic_for(registry_, header.meta.stream_id, options_.topic_prefix)) {
    out.topic = std::move(*topic);
    out.key = header.meta.stream_id;
    out.value = e.payload;
    out.type = header.type;
    out.event_id = header.meta.id.value;
    out.schema = std::to_string(header.schema_version);
    out.occurred_at = header.meta.occurred_at.value;
    out.partition = partition_for(out.key, partitions_.at(out.topic));
    return out;
  } else {
    why = "no aggregate owns stream " + header.meta.stream_id;
  }
  quarantine(e.position, why);
  out.topic = quarantine_topic(options_.topic_prefix);
  out.value = why;
  out.type = kQuarantinedType;
  out.partition = 0;
  return out;
}

// Produces `events`, as far as the in-flight bound allows at a time.
eventstore::Status Relay::consume(const std::vector<eventstore::StoredEvent>& events) {
  if (auto s = ensure_ready(events); !s.is_ok()) return s;
  for (const auto& e : events) {
    while (!stopping_ && !fatal_ && in_flight() >= kMaxInFlight) {
      rd_kafka_poll(producer_.get(), 10);
    }
    if (stopping_ || fatal_) return eventstore::Status::io_error("stopping, or a delivery failed");
    const Outgoing out = outgoing(e);
    auto tail = already_published_.find({out.topic, out.partition});
    if (tail != already_published_.end() && e.position.value <= tail->second) {
      delivered(e.position.value);  // on the topic already, from before a crash
      continue;
    }
    if (auto s = produce(out, e.position); !s.is_ok()) return s;
  }
  return idle();
}

eventstore::Status Relay::produce(const Outgoing& out, eventstore::Position p) {
  {
    std::lock_guard lock(mu_);
    in_flight_[p.value] = out.occurred_at;
  }
  const std::string position = std::to_string(p.value);
  rd_kafka_resp_err_t err;
  while (
      (err = rd_kafka_producev(
           producer_.get(), RD_KAFKA_V_TOPIC(out.topic.c_str()),
           RD_KAFKA_V_PARTITION(out.partition), RD_KAFKA_V_KEY(out.key.data(), out.key.size()),
           RD_KAFKA_V_VALUE(const_cast<char*>(out.value.data()), out.value.size()),
           RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
           RD_KAFKA_V_HEADER(kHeaderEventId, out.event_id.data(),
                             static_cast<ssize_t>(out.event_id.size())),
           RD_KAFKA_V_HEADER(kHeaderType, out.type.data(), static_cast<ssize_t>(out.type.size())),
           RD_KAFKA_V_HEADER(kHeaderPosition, position.data(),
                             static_cast<ssize_t>(position.size())),
           RD_KAFKA_V_HEADER(kHeaderSchema, out.schema.data(),
                             static_cast<ssize_t>(out.schema.size())),
           RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(static_cast<std::uintptr_t>(p.value))),
           RD_KAFKA_V_END)) == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
    rd_kafka_poll(producer_.get(), 50);
    if (stopping_) return eventstore::Status::io_error("stopping");
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    fatal_ = true;
    return eventstore::Status::io_error("producing position " + position + ": " +
                                        rd_kafka_err2str(err));
  }
  return eventstore::Status::ok();
}

std::size_t Relay::in_flight() {
  std::lock_guard lock(mu_);
  return in_flight_.size();
}

void Relay::quarantine(eventstore::Position p, const std::string& why) {
  spdlog::error("kafka relay: quarantined the event at position {}: {}", p.value, why);
  std::string key = "z/";
  eventstore::put_be64(key, p.value);
  rocksdb::Status s = db_.db()->Put(rocksdb::WriteOptions(), kafka::relay_family(db_), key, why);
  if (!s.ok()) spdlog::error("kafka relay: recording a quarantined event: {}", s.ToString());
  if (observer_ != nullptr) observer_->relay_quarantined();
}

void Relay::save_checkpoint() {
  const std::uint64_t p = published_.load();
  if (p == saved_) return;
  // No sync: a checkpoint lost in a crash only makes the relay re-read the topics' tails.
  std::string value;
  eventstore::put_be64(value, p);
  rocksdb::Status s =
      db_.db()->Put(rocksdb::WriteOptions(), kafka::relay_family(db_), kCheckpointKey, value);
  if (s.ok()) saved_ = p;
}

void Relay::report() {
  if (observer_ == nullptr) return;
  const std::uint64_t last = store_.last_position().value;
  const std::uint64_t published = published_.load();
  double lag_seconds = 0;
  {
    std::lock_guard lock(mu_);
    if (!in_flight_.empty()) {
      lag_seconds = now_seconds() - static_cast<double>(in_flight_.begin()->second);
    }
  }
  observer_->relay_progress(last - std::min(last, published), std::max(0.0, lag_seconds),
                            published);
}

}  // namespace payledger::kafka
