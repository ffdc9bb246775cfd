// Webhook endpoints (issue #11's first part): the decider, and the API against a real server:
// the signing secret shown once, never stored in clear (log, views, idempotency records), and
// shown again only by a replay of the same Idempotency-Key.
#include <rocksdb/db.h>

#include "contract/aggregate.h"

#include "api/idempotency.h"
#include "kafka/relay.h"
#include "projections/view_store.h"
#include "resources/webhook_endpoints/endpoint.h"
#include "tests/support/test_server.h"
#include "webhooks/store.h"

using namespace payledger;
using namespace payledger::testing;

namespace {

// Every key and value of the server's database, read through RocksDB.
std::string everything_stored(Server& s) {
  eventstore::Database& db = s.app().db();
  std::string all;
  for (rocksdb::ColumnFamilyHandle* h :
       {db.log(), api::idempotency_family(db), projections::views_family(db),
        kafka::relay_family(db), webhooks::webhooks_family(db)}) {
    std::unique_ptr<rocksdb::Iterator> it(db.db()->NewIterator(rocksdb::ReadOptions(), h));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      all += it->key().ToString();
      all += it->value().ToString();
    }
  }
  return all;
}

}  // namespace

TEST_CASE("webhook endpoints: which events an enabled pattern selects, and which it refuses") {
  CHECK(contract::selects_event_type("*", "payment_intent.succeeded"));
  CHECK(contract::selects_event_type("payment_intent.*", "payment_intent.succeeded"));
  CHECK_FALSE(contract::selects_event_type("payment_intent.*", "payment_intentx.succeeded"));
  CHECK_FALSE(contract::selects_event_type("payment_intent.*", "charge.succeeded"));
  CHECK(contract::selects_event_type("checkout.session.completed", "checkout.session.completed"));
  CHECK_FALSE(
      contract::selects_event_type("checkout.session.completed", "checkout.session.expired"));
  const webhook_endpoints::CreateEndpoint ok{
      webhook_endpoints::EndpointId{"we_1"},
      {"https://a.example/hook", {"payment_intent.*"}, "", {}, false},
      "sealed"};
  CHECK(webhook_endpoints::decide(std::nullopt, ok).has_value());
  for (const auto& [events, expected] :
       std::vector<std::pair<std::vector<std::string>, webhook_endpoints::Rejection>>{
           {{}, webhook_endpoints::Rejection::events_missing},
           {{"Payment_Intent.*"}, webhook_endpoints::Rejection::event_pattern_invalid},
           {{"payment_intent.**"}, webhook_endpoints::Rejection::event_pattern_invalid},
           {{".x"}, webhook_endpoints::Rejection::event_pattern_invalid},
           {std::vector<std::string>(101, "*"), webhook_endpoints::Rejection::events_too_many}}) {
    webhook_endpoints::CreateEndpoint bad = ok;
    bad.settings.enabled_events = events;
    CHECK(webhook_endpoints::decide(std::nullopt, bad).error() == expected);
  }
}

TEST_CASE("webhook endpoints: create shows the secret once; it is stored only sealed") {
  Server s;
  const Json body{{"url", "https://shop.example/hooks"},
                  {"enabled_events", {"payment_intent.succeeded", "checkout.session.*"}},
                  {"description", "orders"},
                  {"metadata", {{"team", "payments"}}}};
  Reply made = s.post("/v1/webhook_endpoints", body, {{"Idempotency-Key", "we-1"}});
  REQUIRE_MESSAGE(made.status == 200, made.raw);
  const std::string id = made.body["id"];
  const std::string secret = made.body["secret"];
  CHECK(id.starts_with("we_"));
  CHECK(secret.starts_with("whsec_"));
  CHECK(secret.size() == 38);
  CHECK(made.body["object"] == "webhook_endpoint");
  CHECK(made.body["status"] == "enabled");
  CHECK(made.body["enabled_events"].size() == 2);
  // The same request again (a client's retry): the same endpoint and secret.
  Reply replay = s.post("/v1/webhook_endpoints", body, {{"Idempotency-Key", "we-1"}});
  CHECK(replay.header("Idempotent-Replayed") == "true");
  CHECK(replay.body["id"] == id);
  CHECK(replay.body["secret"] == secret);
  CHECK_FALSE(replay.body.contains("secret_sealed"));
  // Retrieve and list never show it.
  Reply got = s.get("/v1/webhook_endpoints/" + id);
  REQUIRE(got.status == 200);
  CHECK_FALSE(got.body.contains("secret"));
  CHECK(s.get("/v1/webhook_endpoints").body["data"].size() == 1);
  check_error(s.get("/v1/webhook_endpoints/" + id, kKeyB), 404, "id");
  // Nowhere in the database in clear: log, views, idempotency records, relay.
  const std::string stored = everything_stored(s);
  CHECK(stored.find(secret) == std::string::npos);
  CHECK(stored.find(secret.substr(6)) == std::string::npos);
  CHECK(stored.find(id) != std::string::npos);  // the scan reads real data

  Reply updated =
      s.post("/v1/webhook_endpoints/" + id,
             {{"disabled", true}, {"enabled_events", {"*"}}, {"metadata", {{"team", ""}}}});
  REQUIRE_MESSAGE(updated.status == 200, updated.raw);
  CHECK(updated.body["status"] == "disabled");
  CHECK(updated.body["enabled_events"] == Json::array({"*"}));
  CHECK(updated.body["metadata"].empty());
  CHECK_FALSE(updated.body.contains("secret"));
  Reply gone = s.del("/v1/webhook_endpoints/" + id);
  CHECK(gone.body["deleted"] == true);
  check_error(s.post("/v1/webhook_endpoints/" + id, {{"disabled", false}}), 404, "id");
}

TEST_CASE("webhook endpoints: bad input names its parameter and writes nothing") {
  Server s;
  const auto before = s.app().store().last_position();
  auto refused = [&](const Json& body, const std::string& param) {
    CAPTURE(body.dump());
    check_error(s.post("/v1/webhook_endpoints", body), 400, param);
  };
  refused({{"enabled_events", {"*"}}}, "url");
  refused({{"url", "ftp://a.example/h"}, {"enabled_events", {"*"}}}, "url");
  refused({{"url", "https://a.example/h#x"}, {"enabled_events", {"*"}}}, "url");
  refused({{"url", "https://a.example/h"}}, "enabled_events");
  refused({{"url", "https://a.example/h"}, {"enabled_events", {"Bad Event"}}}, "enabled_events");
  refused({{"url", "https://a.example/h"}, {"enabled_events", "*"}}, "enabled_events");
  refused({{"url", "https://a.example/h"}, {"enabled_events", {"*"}}, {"secret", "x"}}, "secret");
  CHECK(s.app().store().last_position() == before);
}
