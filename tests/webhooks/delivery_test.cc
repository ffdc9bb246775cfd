// Webhook delivery against real receivers on loopback: what is sent to whom, Stripe's signature,
// retries on the schedule, an endpoint down then up, one slow endpoint beside a quick one, the
// attempts list and a retry asked by the merchant.
#include <doctest/doctest.h>

#include <chrono>
#include <set>
#include <thread>

#include "api/secrets.h"
#include "tests/support/test_server.h"
#include "tests/webhooks/receiver.h"

using namespace payledger;
using payledger::testing::check_error;
using payledger::testing::Json;
using payledger::testing::kKeyB;
using payledger::testing::kT0;
using payledger::testing::Receiver;
using payledger::testing::Reply;
using payledger::testing::Server;

namespace {

// Polls `done` for up to `seconds` of real time.
template <class F>
bool eventually(F&& done, int seconds = 10) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

struct Endpoint {
  std::string id;
  std::string secret;
};

Endpoint create_endpoint(const Server& s, const std::string& url, const Json& events,
                         const std::string& key = testing::kKeyA) {
  Reply r = s.post("/v1/webhook_endpoints", {{"url", url}, {"enabled_events", events}}, {}, key);
  REQUIRE(r.status == 200);
  return {r.body["id"], r.body["secret"]};
}

std::string paid_intent(const Server& s, const std::string& key = testing::kKeyA) {
  Reply pi = s.post("/v1/payment_intents",
                    {{"amount", 1999},
                     {"currency", "usd"},
                     {"payment_method", "pm_card_visa"},
                     {"confirm", true}},
                    {}, key);
  REQUIRE(pi.status == 200);
  REQUIRE(pi.body["status"] == "succeeded");
  return pi.body["id"];
}

// Checks `header` as Stripe's SDKs do: t=<time>,v1=<HMAC-SHA256(secret, "t.body")>.
void check_signature(const std::string& header, const std::string& secret, const std::string& body,
                     std::int64_t t) {
  const std::string expected = "t=" + std::to_string(t) + ",v1=" +
                               api::hmac_sha256_hex(secret, std::to_string(t) + "." + body);
  CHECK(header == expected);
}

Json attempts(const Server& s, const std::string& endpoint, const std::string& query = "") {
  Reply r = s.get("/v1/webhook_endpoints/" + endpoint + "/attempts" + query);
  REQUIRE(r.status == 200);
  return r.body["data"];
}

}  // namespace

TEST_CASE("webhooks: each wanted event, signed as Stripe signs, the body the event itself") {
  Server s;
  Receiver receiver;
  const Endpoint e = create_endpoint(s, receiver.url(), {"payment_intent.succeeded", "charge.*"});
  const std::string pi = paid_intent(s);
  REQUIRE(eventually([&] { return receiver.received().size() == 2; }));
  std::set<std::string> types;
  for (const auto& got : receiver.received()) {
    const Json event = Json::parse(got.body);
    types.insert(event["type"]);
    const Json& object = event["data"]["object"];
    CHECK(object["object"] == (event["type"] == "charge.succeeded" ? "charge" : "payment_intent"));
    CHECK((object["object"] == "charge" ? object["payment_intent"] : object["id"]) == pi);
    CHECK(s.get("/v1/events/" + std::string(event["id"])).raw == got.body);
    check_signature(got.signature, e.secret, got.body, kT0);
    CHECK(got.content_type == "application/json; charset=utf-8");
  }
  CHECK(types == std::set<std::string>{"payment_intent.succeeded", "charge.succeeded"});
  // Nothing else comes (payment_intent.created is not wanted), and each attempt is listed.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(receiver.requests() == 2);
  const Json list = attempts(s, e.id);
  REQUIRE(list.size() == 2);
  for (const Json& a : list) {
    CHECK(a["object"] == "webhook_endpoint.attempt");
    CHECK(a["outcome"] == "succeeded");
    CHECK(a["status_code"] == 200);
    CHECK(a["attempt"] == 1);
    CHECK(a["error"].is_null());
    CHECK(a["webhook_endpoint"] == e.id);
  }
  // Merchant B neither sees A's attempts nor gets A's events.
  check_error(s.get("/v1/webhook_endpoints/" + e.id + "/attempts", kKeyB), 404, "id");
}

TEST_CASE("webhooks: a failing receiver is retried on the schedule, and the attempts say so") {
  Server s;
  Receiver receiver;
  receiver.answer({500, 503});
  const Endpoint e = create_endpoint(s, receiver.url(), {"payment_intent.succeeded"});
  paid_intent(s);
  // The first attempt, and the retry at once, fail; the next is due 5 s later.
  REQUIRE(eventually([&] { return receiver.requests() == 2; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(receiver.requests() == 2);
  Json list = attempts(s, e.id);
  REQUIRE(list.size() == 2);
  CHECK(list[0]["status_code"] == 503);
  CHECK(list[0]["outcome"] == "retrying");
  CHECK(list[0]["attempt"] == 2);
  CHECK(list[0]["next_attempt_at"] == kT0 + 5);
  CHECK(list[0]["error"] == "the endpoint answered HTTP 503");
  CHECK(list[1]["status_code"] == 500);
  CHECK(list[1]["next_attempt_at"] == kT0);
  s.clock().advance(5);
  REQUIRE(eventually([&] { return receiver.received().size() == 1; }));
  list = attempts(s, e.id);
  REQUIRE(list.size() == 3);
  CHECK(list[0]["outcome"] == "succeeded");
  CHECK(list[0]["attempt"] == 3);
  CHECK(attempts(s, e.id, "?limit=1&starting_after=" + std::string(list[0]["id"]))[0]["id"] ==
        list[1]["id"]);
  check_error(s.get("/v1/webhook_endpoints/" + e.id + "/attempts?limit=1000"), 400, "limit");
}

TEST_CASE("webhooks: an endpoint that is down gets its events once it is up") {
  Server s;
  int port = 0;
  {
    Receiver probe;
    port = probe.port();
  }  // a port nothing listens on now
  const Endpoint e = create_endpoint(s, "http://127.0.0.1:" + std::to_string(port) + "/hook",
                                     {"payment_intent.succeeded"});
  paid_intent(s);
  REQUIRE(eventually([&] { return attempts(s, e.id).size() == 2; }));
  const Json failed = attempts(s, e.id)[0];
  CHECK(failed["status_code"].is_null());
  CHECK_FALSE(failed["error"].get<std::string>().empty());
  Receiver receiver(port);
  s.clock().advance(5);
  REQUIRE(eventually([&] { return receiver.received().size() == 1; }));
}

TEST_CASE("webhooks: a slow endpoint does not hold up a quick one") {
  Server s;
  Receiver slow;
  Receiver quick;
  slow.delay(std::chrono::milliseconds(1500));
  create_endpoint(s, slow.url(), {"payment_intent.succeeded"});
  create_endpoint(s, quick.url(), {"payment_intent.succeeded"});
  constexpr int kPayments = 20;
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < kPayments; ++i) paid_intent(s);
  REQUIRE(eventually([&] { return quick.received().size() == kPayments; }));
  // The slow one has had at most its 8 connections' worth by now.
  CHECK(slow.received().size() < kPayments);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(1400));
  REQUIRE(eventually([&] { return slow.received().size() == kPayments; }, 15));
}

TEST_CASE("webhooks: the merchant's retry, deleted endpoints, endpoints made after an event") {
  Server s;
  Receiver receiver;
  const std::string pi = paid_intent(s);  // before any endpoint: not delivered
  const Endpoint e = create_endpoint(s, receiver.url(), {"*"});
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(receiver.requests() == 0);
  Reply events = s.get("/v1/events?type=payment_intent.succeeded");
  const std::string evt = events.body["data"][0]["id"];
  Reply retried = s.post("/v1/events/" + evt + "/retry", {{"webhook_endpoint", e.id}});
  REQUIRE(retried.status == 200);
  CHECK(retried.body["manual"] == true);
  CHECK(retried.body["outcome"] == "succeeded");
  CHECK(retried.body["event"] == evt);
  REQUIRE(receiver.received().size() == 1);
  CHECK(Json::parse(receiver.received()[0].body)["id"] == evt);
  check_error(s.post("/v1/events/" + evt + "/retry", Json::object()), 400, "webhook_endpoint");
  check_error(s.post("/v1/events/" + evt + "/retry", {{"webhook_endpoint", "we_nope"}}), 400,
              "webhook_endpoint");
  check_error(s.post("/v1/events/evt_00000000000/retry", {{"webhook_endpoint", e.id}}), 404, "id");
  const Endpoint theirs = create_endpoint(s, receiver.url(), {"*"}, kKeyB);
  check_error(s.post("/v1/events/" + evt + "/retry", {{"webhook_endpoint", theirs.id}}), 400,
              "webhook_endpoint");
  // Deleted: nothing more goes to it.
  REQUIRE(s.del("/v1/webhook_endpoints/" + e.id).status == 200);
  paid_intent(s);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(receiver.received().size() == 1);
}
