// Kafka, end to end against a real broker (tools/kafka/broker.sh): the relay publishes every
// event in per-payment order with the documented envelope, survives a broker outage and a
// kill -9 of payledgerd without losing or duplicating events, and payledger-projector builds
// the same views as the embedded read side.
#include <doctest/doctest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <rocksdb/db.h>
#include <nlohmann/json.hpp>

#include "eventstore/codec.h"
#include "kafka/client.h"
#include "kafka/topics.h"
#include "resources/registry.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

using namespace payledger;
using Json = nlohmann::json;
using testing::Broker;
using testing::Child;
using testing::TempDir;

namespace {

const std::string kKey = "sk_test_kafka_tests_0001";
// The envelope of a message's event.
std::optional<eventstore::EventHeader> header_of(const std::string& payload) {
  eventstore::EnvelopeParser parser;
  eventstore::EventHeader header;
  json::Value data;
  if (!parser.parse(payload, &header, &data).is_ok()) return std::nullopt;
  return header;
}

const std::string kPrefix = "payledger.";

struct Message {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::string key;
  std::string value;
  std::map<std::string, std::string> headers;
};

Child start_payledgerd(const std::string& dir, const std::string& brokers) {
  return testing::spawn_server(
      {PAYLEDGERD_PATH, "--data-dir", dir, "--listen", "127.0.0.1:0", "--bootstrap-key", kKey,
       "--kafka-brokers", brokers, "--http-threads", "64"},
      dir + "/process.log");
}

Child start_projector(const std::string& dir, const std::string& brokers) {
  return testing::spawn_server({PROJECTOR_PATH, "--data-dir", dir, "--listen", "127.0.0.1:0",
                                "--kafka-brokers", brokers, "--http-threads", "32"},
                               dir + "/process.log");
}

httplib::Client client(int port) {
  httplib::Client cli("127.0.0.1", port);
  cli.set_basic_auth(kKey.c_str(), "");
  cli.set_read_timeout(15, 0);
  cli.set_connection_timeout(2, 0);
  return cli;
}

// Creates, confirms and (for some) refunds a payment; returns the last write's position.
std::uint64_t pay(httplib::Client& cli, int i, std::string* id_out = nullptr) {
  auto created =
      cli.Post("/v1/payment_intents", Json{{"amount", 1000 + i}, {"currency", "usd"}}.dump(),
               "application/json");
  REQUIRE(created);
  REQUIRE(created->status == 200);
  const std::string id = Json::parse(created->body)["id"];
  if (id_out != nullptr) *id_out = id;
  auto confirmed = cli.Post(("/v1/payment_intents/" + id + "/confirm").c_str(),
                            R"({"payment_method":"pm_card_visa"})", "application/json");
  REQUIRE(confirmed);
  REQUIRE(confirmed->status == 200);
  std::string position = confirmed->get_header_value("Payledger-Position");
  if (i % 3 == 0) {
    auto refund = cli.Post("/v1/refunds", Json{{"payment_intent", id}, {"amount", 100}}.dump(),
                           "application/json");
    REQUIRE(refund);
    REQUIRE(refund->status == 200);
    position = refund->get_header_value("Payledger-Position");
  }
  return std::stoull(position);
}

std::uint64_t log_position(int port) {
  httplib::Client cli("127.0.0.1", port);
  auto health = cli.Get("/healthz");
  REQUIRE(health);
  return Json::parse(health->body)["projected_position"];
}

// Reads every topic from the beginning until `positions` distinct positions have been seen
// (or the timeout passes), then a moment longer so that duplicates would show.
std::vector<Message> consume_all(const std::string& brokers, std::uint64_t positions,
                                 std::chrono::seconds timeout) {
  auto consumer = kafka::make_client(RD_KAFKA_CONSUMER, {{"bootstrap.servers", brokers},
                                                         {"group.id", "kafka-test-reader"},
                                                         {"enable.auto.commit", "false"},
                                                         {"enable.partition.eof", "false"}});
  REQUIRE(consumer.has_value());
  rd_kafka_t* rk = consumer->get();
  // The relay creates the topics when it first reaches the broker.
  auto counts =
      kafka::partition_counts(rk, resources::registry().topics(kPrefix), std::chrono::seconds(10));
  for (int i = 0; i < 100 && !counts; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    counts = kafka::partition_counts(rk, resources::registry().topics(kPrefix),
                                     std::chrono::seconds(10));
  }
  if (!counts) FAIL(counts.error().to_string());
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(16);
  for (const auto& [topic, n] : *counts) {
    for (int p = 0; p < n; ++p) {
      rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    }
  }
  REQUIRE(rd_kafka_assign(rk, list) == RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_topic_partition_list_destroy(list);
  std::vector<Message> out;
  std::set<std::string> seen;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool complete = false;
  while (std::chrono::steady_clock::now() < deadline) {
    rd_kafka_message_t* msg = rd_kafka_consumer_poll(rk, 100);
    if (msg == nullptr) continue;
    if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      Message m{rd_kafka_topic_name(msg->rkt),
                msg->partition,
                msg->offset,
                std::string(static_cast<const char*>(msg->key), msg->key_len),
                std::string(static_cast<const char*>(msg->payload), msg->len),
                {}};
      rd_kafka_headers_t* headers = nullptr;
      if (rd_kafka_message_headers(msg, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char* name = nullptr;
        const void* value = nullptr;
        size_t size = 0;
        for (size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &size) ==
                           RD_KAFKA_RESP_ERR_NO_ERROR;
             ++i) {
          m.headers[name] = std::string(static_cast<const char*>(value), size);
        }
      }
      seen.insert(m.headers[kafka::kHeaderPosition]);
      out.push_back(std::move(m));
    }
    rd_kafka_message_destroy(msg);
    if (!complete && seen.size() >= positions) {
      complete = true;
      deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
    }
  }
  (void)rd_kafka_consumer_close(rk);
  return out;
}

// Every position 1..last exactly once, and each aggregate's events in version order.
void check_complete_and_ordered(const std::vector<Message>& messages, std::uint64_t last) {
  std::map<std::uint64_t, int> by_position;
  std::map<std::string, std::uint64_t> version_of;
  std::set<std::string> event_ids;
  for (const Message& m : messages) {
    by_position[std::stoull(m.headers.at(kafka::kHeaderPosition))]++;
    CHECK(event_ids.insert(m.headers.at(kafka::kHeaderEventId)).second);  // no duplicate
  }
  CHECK(by_position.size() == last);
  for (const auto& [position, count] : by_position) {
    CHECK(position >= 1);
    CHECK(position <= last);
    CHECK(count == 1);
  }
  // Per partition in offset order: each stream's versions strictly increase.
  std::vector<Message> sorted = messages;
  std::sort(sorted.begin(), sorted.end(), [](const Message& a, const Message& b) {
    return std::tie(a.topic, a.partition, a.offset) < std::tie(b.topic, b.partition, b.offset);
  });
  std::map<std::pair<std::string, std::string>, std::uint64_t> last_version;
  for (const Message& m : sorted) {
    auto rec = header_of(m.value);
    REQUIRE(rec.has_value());
    auto& v = last_version[{m.topic, m.key}];
    CHECK(rec->meta.version.value > v);
    v = rec->meta.version.value;
  }
}

}  // namespace

TEST_CASE("events land on their topics, keyed and ordered per payment, with the envelope") {
  Broker broker;
  TempDir dir;
  Child d = start_payledgerd(dir.path(), broker.bootstrap());
  auto cli = client(d.port());
  std::uint64_t last = 0;
  for (int i = 0; i < 30; ++i) last = pay(cli, i);
  CHECK(last == log_position(d.port()));
  auto messages = consume_all(broker.bootstrap(), last, std::chrono::seconds(60));
  check_complete_and_ordered(messages, last);
  for (const Message& m : messages) {
    auto rec = header_of(m.value);
    REQUIRE(rec.has_value());
    const std::string type = rec->type;
    CHECK(m.topic == kafka::topic_for(resources::registry(), rec->meta.stream_id, kPrefix));
    CHECK(m.key == rec->meta.stream_id);
    CHECK(m.headers.at(kafka::kHeaderType) == type);
    CHECK(m.headers.at(kafka::kHeaderEventId) == rec->meta.id.value);
    CHECK(m.headers.at(kafka::kHeaderSchema) == "1");
    const Json envelope = Json::parse(m.value);
    for (const char* field : {"id", "type", "schema_version", "stream_id", "stream_version",
                              "merchant_id", "occurred_at", "data"}) {
      CHECK_MESSAGE(envelope.contains(field), field);
    }
    // murmur2 partitioning, as a Java client would place the key.
    CHECK(m.partition == kafka::partition_for(m.key, 4));
  }
  std::set<std::string> topics;
  for (const Message& m : messages) topics.insert(m.topic);
  // One topic per aggregate: a payment's refunds travel with it, in its partition.
  CHECK(topics == std::set<std::string>{"payledger.merchants", "payledger.payment_intents"});
  httplib::Client plain("127.0.0.1", d.port());
  auto metrics = plain.Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find("payledger_relay_published_position") != std::string::npos);
  CHECK(WEXITSTATUS(d.stop(SIGTERM)) == 0);
}

TEST_CASE("broker down while payments are accepted; every event arrives when it is back") {
  Broker broker;
  TempDir dir;
  Child d = start_payledgerd(dir.path(), broker.bootstrap());
  auto cli = client(d.port());
  (void)pay(cli, 0);
  broker.stop();
  std::uint64_t last = 0;
  for (int i = 1; i <= 20; ++i) {
    const auto started = std::chrono::steady_clock::now();
    last = pay(cli, i);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));  // never waits
  }
  broker.restart();
  auto messages = consume_all(broker.bootstrap(), last, std::chrono::seconds(90));
  check_complete_and_ordered(messages, last);
  CHECK(WEXITSTATUS(d.stop(SIGTERM)) == 0);
}

TEST_CASE("payledgerd killed with -9 under load: every acknowledged event reaches Kafka, once") {
  Broker broker;
  TempDir dir;
  Child d = start_payledgerd(dir.path(), broker.bootstrap());
  std::mutex mu;
  std::set<std::string> acknowledged;
  std::atomic<bool> stop{false};
  std::vector<std::thread> load;
  for (int t = 0; t < 6; ++t) {
    load.emplace_back([&, t] {
      auto cli = client(d.port());
      for (int i = 0; !stop; ++i) {
        auto r = cli.Post("/v1/payment_intents",
                          Json{{"amount", 100 + t},
                               {"currency", "usd"},
                               {"payment_method", "pm_card_visa"},
                               {"confirm", true}}
                              .dump(),
                          "application/json");
        if (!r || r->status != 200) continue;
        std::lock_guard lock(mu);
        acknowledged.insert(Json::parse(r->body)["id"].get<std::string>());
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  CHECK(WIFSIGNALED(d.stop(SIGKILL)));
  stop = true;
  for (auto& t : load) t.join();
  REQUIRE(acknowledged.size() > 10);

  d = start_payledgerd(dir.path(), broker.bootstrap());
  const std::uint64_t last = log_position(d.port());
  auto messages = consume_all(broker.bootstrap(), last, std::chrono::seconds(90));
  check_complete_and_ordered(messages, last);  // includes: no event id twice
  std::map<std::string, std::set<std::string>> types_by_intent;
  for (const Message& m : messages) types_by_intent[m.key].insert(m.headers.at(kafka::kHeaderType));
  for (const auto& id : acknowledged) {
    CAPTURE(id);
    CHECK(types_by_intent[id].contains("payment_intent.created"));
    CHECK(types_by_intent[id].contains("payment_intent.captured"));
  }
  CHECK(WEXITSTATUS(d.stop(SIGTERM)) == 0);
}

// A GET on a replica carrying a write's position. The replica waits for it (capped) when it
// knows the key; before it has even read the key's event it answers 503 at once, and a client
// retries, as Stripe's libraries do on Stripe-Should-Retry.
httplib::Result get_at(httplib::Client& reader, const std::string& path, std::uint64_t position) {
  const httplib::Headers wait{{"Payledger-Position", std::to_string(position)}};
  for (int i = 0; i < 600; ++i) {
    auto r = reader.Get(path.c_str(), wait);
    if (!r || r->status != 503) return r;
    CHECK(r->get_header_value("Stripe-Should-Retry") == "true");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return reader.Get(path.c_str(), wait);
}

// Writes one message to `topic` as any client could: no payledger headers unless given.
void produce_raw(const std::string& brokers, const std::string& topic, const std::string& payload,
                 const std::string& position_header) {
  auto producer = kafka::make_client(RD_KAFKA_PRODUCER, {{"bootstrap.servers", brokers}});
  REQUIRE(producer.has_value());
  rd_kafka_resp_err_t err =
      position_header.empty()
          ? rd_kafka_producev(producer->get(), RD_KAFKA_V_TOPIC(topic.c_str()),
                              RD_KAFKA_V_VALUE(const_cast<char*>(payload.data()), payload.size()),
                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END)
          : rd_kafka_producev(producer->get(), RD_KAFKA_V_TOPIC(topic.c_str()),
                              RD_KAFKA_V_VALUE(const_cast<char*>(payload.data()), payload.size()),
                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                              RD_KAFKA_V_HEADER(kafka::kHeaderPosition, position_header.data(),
                                                static_cast<ssize_t>(position_header.size())),
                              RD_KAFKA_V_END);
  REQUIRE(err == RD_KAFKA_RESP_ERR_NO_ERROR);
  CHECK(rd_kafka_flush(producer->get(), 10'000) == RD_KAFKA_RESP_ERR_NO_ERROR);
}

TEST_CASE("malformed messages on the topics never stop a projector process") {
  Broker broker;
  TempDir write_dir;
  TempDir read_dir;
  Child d = start_payledgerd(write_dir.path(), broker.bootstrap());
  Child p = start_projector(read_dir.path(), broker.bootstrap());
  auto writer = client(d.port());
  std::string first;
  const std::uint64_t early = pay(writer, 0, &first);
  auto reader = client(p.port());
  // The replica has the first payment before the garbage comes (it may still be joining).
  auto seen = get_at(reader, "/v1/payment_intents/" + first, early);
  REQUIRE(seen);
  REQUIRE(seen->status == 200);
  const std::string topic = kPrefix + "payment_intents";
  produce_raw(broker.bootstrap(), topic, "not an event at all", "");
  produce_raw(broker.bootstrap(), topic, "{\"id\":1}", "not-a-number");
  // A position the replica has already applied, with garbage: a redelivery, skipped.
  produce_raw(broker.bootstrap(), topic, "\xff\xfe garbage", std::to_string(early));
  std::vector<std::string> ids;
  std::uint64_t last = 0;
  for (int i = 1; i < 10; ++i) {
    std::string id;
    last = pay(writer, i, &id);
    ids.push_back(id);
  }
  for (const auto& id : ids) {
    auto embedded = writer.Get(("/v1/payment_intents/" + id).c_str());
    auto replica = get_at(reader, "/v1/payment_intents/" + id, last);
    REQUIRE((embedded && replica));
    CHECK(replica->body == embedded->body);
  }
  httplib::Client plain("127.0.0.1", p.port());
  auto metrics = plain.Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find("payledger_projection_quarantined_total 2") != std::string::npos);
  CHECK(WEXITSTATUS(p.stop(SIGTERM)) == 0);
  CHECK(WEXITSTATUS(d.stop(SIGTERM)) == 0);
}

TEST_CASE("payledger-projector killed and restarted mid-stream ends with the embedded views") {
  Broker broker;
  TempDir write_dir;
  TempDir read_dir;
  Child d = start_payledgerd(write_dir.path(), broker.bootstrap());
  Child p = start_projector(read_dir.path(), broker.bootstrap());
  auto writer = client(d.port());
  std::vector<std::string> ids;
  std::uint64_t last = 0;
  for (int i = 0; i < 40; ++i) {
    std::string id;
    last = pay(writer, i, &id);
    ids.push_back(id);
    if (i == 15) CHECK(WIFSIGNALED(p.stop(SIGKILL)));
    if (i == 25) p = start_projector(read_dir.path(), broker.bootstrap());
  }
  auto reader = client(p.port());
  const httplib::Headers wait{{"Payledger-Position", std::to_string(last)}};
  // Read-your-writes on the replica: a GET carrying the write's position waits for it.
  auto caught_up = get_at(reader, "/v1/payment_intents/" + ids.back(), last);
  REQUIRE(caught_up);
  REQUIRE(caught_up->status == 200);
  for (const auto& id : ids) {
    auto embedded = writer.Get(("/v1/payment_intents/" + id).c_str());
    auto replica = reader.Get(("/v1/payment_intents/" + id).c_str(), wait);
    REQUIRE((embedded && replica));
    CHECK(replica->body == embedded->body);
  }
  for (const char* list : {"/v1/payment_intents?limit=100", "/v1/refunds?limit=100",
                           "/v1/payment_intents?limit=7&starting_after="}) {
    std::string path = list;
    if (path.ends_with("=")) path += ids[20];
    auto embedded = writer.Get(path.c_str());
    auto replica = reader.Get(path.c_str(), wait);
    REQUIRE((embedded && replica));
    CHECK(replica->body == embedded->body);
  }
  // A replica serves reads only.
  auto write =
      reader.Post("/v1/payment_intents", R"({"amount":1,"currency":"usd"})", "application/json");
  REQUIRE(write);
  CHECK(write->status == 405);
  CHECK(WEXITSTATUS(p.stop(SIGTERM)) == 0);
  CHECK(WEXITSTATUS(d.stop(SIGTERM)) == 0);
}

// --- card data never lands anywhere -------------------------------------------------------------

namespace {

struct TestCardNumber {
  const char* number;
};
// Every number of the test network's table, and one it does not know.
constexpr TestCardNumber kScanCards[] = {
    {"4242424242424242"}, {"4111111111111111"}, {"5555555555554444"}, {"378282246310005"},
    {"4000000000000002"}, {"4000000000009995"}, {"4000000000000069"}, {"4000000000009987"},
    {"4000000000009979"}, {"4000000000003220"}, {"4000002760003184"}, {"4000008400001629"},
    {"4000000000005126"}, {"4000000000003105"}, {"4000000000003113"}, {"6011111111111117"},
};

// Every byte of every file under `dir`.
std::vector<std::pair<std::string, std::string>> files_under(const std::string& dir) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    out.emplace_back(entry.path().string(), std::string((std::istreambuf_iterator<char>(in)),
                                                        std::istreambuf_iterator<char>()));
  }
  return out;
}

// Every key and value of every column family, read back through RocksDB (blocks on disk may be
// compressed, so a scan of the files alone could miss a number).
std::vector<std::string> rocksdb_entries(const std::string& path) {
  std::vector<std::string> families;
  REQUIRE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &families).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& f : families) descriptors.emplace_back(f, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  REQUIRE(
      rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), path, descriptors, &handles, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  std::vector<std::string> out;
  for (rocksdb::ColumnFamilyHandle* h : handles) {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), h));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      out.push_back(it->key().ToString());
      out.push_back(it->value().ToString());
    }
    REQUIRE(it->status().ok());
  }
  for (rocksdb::ColumnFamilyHandle* h : handles) (void)db->DestroyColumnFamilyHandle(h);
  return out;
}

void check_no_card_data(const std::string& where, const std::string& text,
                        const std::vector<std::string>& numbers) {
  for (const std::string& n : numbers) {
    CHECK_MESSAGE(text.find(n) == std::string::npos, where << " holds " << n);
  }
  CHECK_MESSAGE(text.find("\"cvc\"") == std::string::npos, where << " holds a cvc field");
}

}  // namespace

TEST_CASE("card numbers and CVCs are found nowhere: files, RocksDB, Kafka, the server's output") {
  Broker broker;
  TempDir dir;
  const std::string data = dir.path() + "/data";
  Child d = testing::spawn_server({PAYLEDGERD_PATH, "--data-dir", data, "--listen", "127.0.0.1:0",
                                   "--bootstrap-key", kKey, "--kafka-brokers", broker.bootstrap()},
                                  dir.path() + "/payledgerd.log");
  auto cli = client(d.port());
  std::vector<std::string> numbers = {"4012888888881881", "4111111111111112"};
  for (const TestCardNumber& t : kScanCards) numbers.emplace_back(t.number);
  std::vector<std::string> ids;
  int i = 0;
  for (const TestCardNumber& t : kScanCards) {
    const Json card{{"number", t.number},
                    {"exp_month", 12},
                    {"exp_year", 2031},
                    {"cvc", std::string(t.number).starts_with("37") ? "7301" : "730"}};
    Json body{{"amount", 2500},
              {"currency", "usd"},
              {"card", card},
              {"return_url", "https://shop.example/back"}};
    // JSON and form bodies, with and without an Idempotency-Key (its record is stored).
    httplib::Headers headers;
    if (i % 2 == 0) headers.emplace("Idempotency-Key", "scan-" + std::to_string(i));
    auto r = i % 3 == 0 ? cli.Post("/v1/payments", headers,
                                   "amount=2500&currency=usd&return_url=https://shop.example/back"
                                   "&card[number]=" +
                                       std::string(t.number) +
                                       "&card[exp_month]=12&card[exp_year]=2031&card[cvc]=" +
                                       card["cvc"].get<std::string>(),
                                   "application/x-www-form-urlencoded")
                        : cli.Post("/v1/payments", headers, body.dump(), "application/json");
    REQUIRE(r);
    REQUIRE_MESSAGE(r->status == 200, r->body);
    ids.push_back(Json::parse(r->body)["id"]);
    ++i;
  }
  // Rejected requests with card data: a bad CVC, a number failing the Luhn check.
  for (const char* number : {"4012888888881881", "4111111111111112"}) {
    const Json bad{
        {"amount", 100},
        {"currency", "usd"},
        {"card", {{"number", number}, {"exp_month", 1}, {"exp_year", 2031}, {"cvc", "1"}}}};
    auto r = cli.Post("/v1/payments", bad.dump(), "application/json");
    REQUIRE(r);
    CHECK(r->status == 400);
    check_no_card_data("an error answer", r->body, numbers);
  }
  // Refund what succeeded, so refund events are in the log too; wait until all is settled.
  for (const std::string& id : ids) {
    Json p;
    for (int tries = 0; tries < 500; ++tries) {
      p = Json::parse(cli.Get(("/v1/payments/" + id).c_str())->body);
      if (p["status"] != "pending") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    CHECK(p["status"] != "pending");
    if (p["status"] == "succeeded") {
      auto r = cli.Post(("/v1/payments/" + id + "/refund").c_str(), "", "application/json");
      REQUIRE(r);
      CHECK(r->status == 200);
    }
  }
  // Checkout: cards typed on the hosted page and sent by a custom UI's call (seed 004).
  const Json product =
      Json::parse(cli.Post("/v1/products", R"({"name":"Lamp"})", "application/json")->body);
  const Json price = Json::parse(
      cli.Post("/v1/prices",
               Json{{"currency", "usd"}, {"unit_amount", 900}, {"product", product["id"]}}.dump(),
               "application/json")
          ->body);
  int n = 0;
  for (const std::string number : {"4242424242424242", "4000000000000002", "4000000000003220",
                                   "378282246310005", "4012888888881881"}) {
    const bool hosted = n++ % 2 == 0;
    Json body{{"mode", "payment"}, {"line_items", {{{"price", price["id"]}, {"quantity", 1}}}}};
    if (hosted) {
      body["success_url"] = "https://shop.example/ok";
    } else {
      body["ui_mode"] = "custom";
    }
    auto created = cli.Post("/v1/checkout/sessions", body.dump(), "application/json");
    REQUIRE(created);
    const Json cs = Json::parse(created->body);
    const std::string cvc = number.starts_with("37") ? "7301" : "730";
    const std::string secret =
        hosted ? std::string(cs["url"]).substr(std::string(cs["url"]).rfind('=') + 1)
               : std::string(cs["client_secret"]);
    const std::string path = hosted
                                 ? "/checkout/" + cs["id"].get<std::string>()
                                 : "/v1/payment_pages/" + cs["id"].get<std::string>() + "/confirm";
    const std::string form =
        (hosted ? "key=" : "client_secret=") + secret +
        "&email=jenny%40example.com&card[number]=" + number +
        (hosted ? "&card[exp]=12+%2F+31" : "&card[exp_month]=12&card[exp_year]=2031") +
        "&card[cvc]=" + cvc;
    httplib::Client customer("127.0.0.1", d.port());
    auto r = customer.Post(path.c_str(), form, "application/x-www-form-urlencoded");
    REQUIRE(r);
    CHECK(r->status < 500);
    // The hosted page lists the test cards by design; a custom UI's JSON answer holds none.
    if (!hosted) check_no_card_data("a checkout answer", r->body, numbers);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // refunds settle
  const std::uint64_t last = log_position(d.port());
  auto messages = consume_all(broker.bootstrap(), last, std::chrono::seconds(60));
  CHECK(messages.size() >= last);
  std::set<std::string> types;
  for (const Message& m : messages) {
    std::string all = m.topic + m.key + m.value;
    for (const auto& [k, v] : m.headers) all += k + v;
    check_no_card_data("kafka " + m.topic, all, numbers);
    types.insert(m.headers.at(kafka::kHeaderType));
  }
  CHECK(types.count("payment.refund_succeeded") == 1);
  // The scan reads real data: what is kept of a card is there.
  CHECK(std::any_of(messages.begin(), messages.end(), [](const Message& m) {
    return m.value.find(R"("last4":"3220")") != std::string::npos;
  }));
  CHECK(types.count("payment.requires_action") == 1);
  CHECK(types.count("checkout.session.completed") >= 1);
  httplib::Client plain("127.0.0.1", d.port());
  auto metrics = plain.Get("/metrics");
  REQUIRE(metrics);
  check_no_card_data("/metrics", metrics->body, numbers);
  CHECK(WEXITSTATUS(d.stop(SIGTERM)) == 0);

  std::size_t files = 0;
  for (const auto& [path, bytes] : files_under(dir.path())) {
    check_no_card_data(path, bytes, numbers);
    ++files;
  }
  CHECK(files > 5);
  const auto entries = rocksdb_entries(data);
  CHECK(entries.size() > 100);
  for (const std::string& e : entries) check_no_card_data("a RocksDB key or value", e, numbers);
  CHECK(std::any_of(entries.begin(), entries.end(), [](const std::string& e) {
    return e.find(R"("last4":"3220")") != std::string::npos;
  }));
}
