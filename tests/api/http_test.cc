// HTTP tests against a real payledgerd server (in-process) on an ephemeral port: every curl
// example of seeds 000, 001 and 003, idempotency, auth isolation, bad input, concurrency.
#include <doctest/doctest.h>
#include <httplib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>

#include "app/app.h"
#include "resources/payment_intents/module.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_server.h"

using namespace payledger;
using Json = nlohmann::json;
using payledger::testing::check_error;
using payledger::testing::kKeyA;
using payledger::testing::kKeyB;
using payledger::testing::kT0;
using payledger::testing::Reply;
using payledger::testing::Server;

namespace {

std::string create_intent(const Server& s, std::int64_t amount = 2000,
                          const std::string& key = kKeyA) {
  Reply r = s.post("/v1/payment_intents", {{"amount", amount}, {"currency", "usd"}}, {}, key);
  REQUIRE(r.status == 200);
  return r.body["id"];
}

}  // namespace

TEST_CASE("seed 000: create, confirm, retrieve with automatic capture") {
  Server s;
  // The seed's customer, made first: a PaymentIntent's customer must exist.
  const std::string customer = s.post("/v1/customers", {{"email", "a@example.com"}}).body["id"];
  Json body = Json::parse(R"({"amount": 4999, "currency": "usd",
                           "description": "Acme Pro Plan — monthly",
                           "metadata": {"order_ref": "ORD-20260315-001"}})");
  body["customer"] = customer;
  Reply created = s.post("/v1/payment_intents", body, {{"Idempotency-Key", "0b8f4c6e-1"}});
  REQUIRE(created.status == 200);
  const Json& pi = created.body;
  CHECK(pi["object"] == "payment_intent");
  CHECK(pi["id"].get<std::string>().starts_with("pi_"));
  CHECK(pi["amount"] == 4999);
  CHECK(pi["amount_received"] == 0);
  CHECK(pi["currency"] == "usd");
  CHECK(pi["status"] == "requires_payment_method");
  CHECK(pi["capture_method"] == "automatic");
  CHECK(pi["confirmation_method"] == "automatic");
  CHECK(pi["customer"] == customer);
  CHECK(pi["description"] == "Acme Pro Plan — monthly");
  CHECK(pi["metadata"] == Json{{"order_ref", "ORD-20260315-001"}});
  CHECK(pi["charges"]["object"] == "list");
  CHECK(pi["charges"]["data"].empty());
  CHECK(pi["charges"]["url"] == "/v1/charges?payment_intent=" + pi["id"].get<std::string>());
  CHECK(
      pi["client_secret"].get<std::string>().starts_with(pi["id"].get<std::string>() + "_secret_"));
  CHECK(pi["livemode"] == false);
  CHECK(pi["created"] == kT0);

  const std::string id = pi["id"];
  s.clock().advance(5);
  Reply confirmed = s.post("/v1/payment_intents/" + id + "/confirm",
                           {{"payment_method", "pm_card_visa"}}, {{"Idempotency-Key", "c-1"}});
  REQUIRE(confirmed.status == 200);
  CHECK(confirmed.body["status"] == "succeeded");
  CHECK(confirmed.body["amount_received"] == 4999);
  CHECK(confirmed.body["payment_method"] == "pm_card_visa");
  REQUIRE(confirmed.body["charges"]["data"].size() == 1);
  const Json& charge = confirmed.body["charges"]["data"][0];
  CHECK(charge["object"] == "charge");
  CHECK(charge["amount"] == 4999);
  CHECK(charge["amount_refunded"] == 0);
  CHECK(charge["status"] == "succeeded");
  CHECK(charge["payment_intent"] == id);
  CHECK(charge["payment_method"] == "pm_card_visa");
  CHECK(charge["created"] == kT0 + 5);

  Reply retrieved = s.get("/v1/payment_intents/" + id);
  CHECK(retrieved.status == 200);
  CHECK(retrieved.raw == confirmed.raw);  // the POST's answer and the GET after it are one
}

TEST_CASE("seed 000: manual capture, partial capture, and cancel") {
  Server s;
  Reply created = s.post("/v1/payment_intents", {{"amount", 15000},
                                                 {"currency", "usd"},
                                                 {"capture_method", "manual"},
                                                 {"description", "Hotel booking — 2 nights"}});
  REQUIRE(created.status == 200);
  const std::string id = created.body["id"];
  Reply authorized =
      s.post("/v1/payment_intents/" + id + "/confirm", {{"payment_method", "pm_card_visa"}});
  CHECK(authorized.body["status"] == "requires_capture");
  CHECK(authorized.body["amount_capturable"] == 15000);
  check_error(s.post("/v1/payment_intents/" + id + "/capture", {{"amount_to_capture", 15001}}), 400,
              "amount_to_capture");
  Reply captured = s.post("/v1/payment_intents/" + id + "/capture", {{"amount_to_capture", 15000}});
  REQUIRE(captured.status == 200);
  CHECK(captured.body["status"] == "succeeded");
  CHECK(captured.body["amount_received"] == 15000);
  CHECK(captured.body["capture_method"] == "manual");

  const std::string partial = create_intent(s, 10000);
  (void)s.post("/v1/payment_intents/" + partial + "/cancel", nullptr);  // not manual: cancel ok
  Reply canceled = s.get("/v1/payment_intents/" + partial);
  CHECK(canceled.body["status"] == "canceled");

  Reply manual = s.post("/v1/payment_intents",
                        {{"amount", 8000}, {"currency", "usd"}, {"capture_method", "manual"}});
  const std::string mid = manual.body["id"];
  (void)s.post("/v1/payment_intents/" + mid + "/confirm", {{"payment_method", "pm_card_amex"}});
  Reply part = s.post("/v1/payment_intents/" + mid + "/capture", {{"amount_to_capture", 6000}});
  CHECK(part.body["amount_received"] == 6000);
  CHECK(part.body["charges"]["data"][0]["amount_captured"] == 6000);

  const std::string to_cancel = create_intent(s);
  Reply c = s.post("/v1/payment_intents/" + to_cancel + "/cancel",
                   {{"cancellation_reason", "requested_by_customer"}});
  REQUIRE(c.status == 200);
  CHECK(c.body["status"] == "canceled");
  CHECK(c.body["cancellation_reason"] == "requested_by_customer");
  CHECK(c.body["canceled_at"] == kT0);
  check_error(s.post("/v1/payment_intents/" + to_cancel + "/cancel", nullptr), 400, "");
  check_error(s.post("/v1/payment_intents/" + id + "/cancel", nullptr), 400, "");  // succeeded
}

TEST_CASE("canceling a requires_capture intent releases the authorization on its charge") {
  Server s;
  Reply created = s.post("/v1/payment_intents",
                         {{"amount", 12500}, {"currency", "usd"}, {"capture_method", "manual"}});
  REQUIRE(created.status == 200);
  const std::string id = created.body["id"];
  Reply authorized =
      s.post("/v1/payment_intents/" + id + "/confirm", {{"payment_method", "pm_card_visa"}});
  REQUIRE(authorized.body["status"] == "requires_capture");
  Reply canceled = s.post("/v1/payment_intents/" + id + "/cancel", nullptr);
  REQUIRE(canceled.status == 200);
  for (const Reply& r : {canceled, s.get("/v1/payment_intents/" + id)}) {
    CAPTURE(r.raw);
    CHECK(r.body["status"] == "canceled");
    CHECK(r.body["amount_capturable"] == 0);
    CHECK(r.body["amount_received"] == 0);
    REQUIRE(r.body["charges"]["data"].size() == 1);
    const Json& charge = r.body["charges"]["data"][0];
    CHECK(charge["status"] == "succeeded");
    CHECK(charge["captured"] == false);
    CHECK(charge["amount_captured"] == 0);
    CHECK(charge["refunded"] == true);
    CHECK(charge["amount_refunded"] == 12500);
  }
}

TEST_CASE("seed 001: list with Basic auth, X-API-Version, cursors") {
  Server s;
  std::vector<std::string> ids;
  for (int i = 0; i < 12; ++i) ids.push_back(create_intent(s, 100 + i));
  Reply page =
      s.send("GET", "/v1/payment_intents?limit=5", "", "", {{"X-API-Version", "2026-03-01"}});
  REQUIRE(page.status == 200);
  CHECK(page.header("X-API-Version") == "2026-03-01");
  CHECK(page.body["object"] == "list");
  CHECK(page.body["url"] == "/v1/payment_intents");
  CHECK(page.body["has_more"] == true);
  REQUIRE(page.body["data"].size() == 5);
  CHECK(page.body["data"][0]["id"] == ids[11]);  // newest first
  CHECK(page.body["next_cursor"] == ids[7]);
  // Every field of seed 001's PaymentIntent object is present.
  for (const char* field : {"id",
                            "object",
                            "amount",
                            "currency",
                            "status",
                            "created",
                            "livemode",
                            "amount_received",
                            "capture_method",
                            "confirmation_method",
                            "customer",
                            "payment_method",
                            "description",
                            "metadata",
                            "merchant_id",
                            "client_secret",
                            "last_payment_error",
                            "charges",
                            "canceled_at",
                            "cancellation_reason"}) {
    CHECK_MESSAGE(page.body["data"][0].contains(field), field);
  }
  Reply next = s.get("/v1/payment_intents?limit=5&starting_after=" + ids[7]);
  CHECK(next.body["data"][0]["id"] == ids[6]);
  Reply last = s.get("/v1/payment_intents?limit=5&starting_after=" + ids[2]);
  CHECK(last.body["data"].size() == 2);
  CHECK(last.body["has_more"] == false);
  CHECK(last.body["next_cursor"].is_null());
  Reply back = s.get("/v1/payment_intents?limit=3&ending_before=" + ids[2]);
  REQUIRE(back.body["data"].size() == 3);
  CHECK(back.body["data"][0]["id"] == ids[5]);
  CHECK(back.body["data"][2]["id"] == ids[3]);
  CHECK(s.get("/v1/payment_intents").body["data"].size() == 10);  // default limit
  CHECK(s.get("/v1/payment_intents?limit=100").body["data"].size() == 12);
  Reply unversioned = s.get("/v1/payment_intents?limit=1");
  CHECK_FALSE(unversioned.header("X-API-Version").empty());
}

TEST_CASE("seed 003: create with a payment method, confirm with no body, retrieve") {
  Server s;
  const std::string customer = s.post("/v1/customers", {{"name", "Seed 003"}}).body["id"];
  Reply created = s.post("/v1/payment_intents", {{"amount", 2000},
                                                 {"currency", "usd"},
                                                 {"payment_method", "pm_card_visa"},
                                                 {"customer_id", customer}});
  REQUIRE(created.status == 200);
  CHECK(created.body["status"] == "requires_confirmation");
  CHECK(created.body["payment_method"] == "pm_card_visa");
  CHECK(created.body["customer"] == customer);
  const std::string id = created.body["id"];
  Reply confirmed = s.send("POST", "/v1/payment_intents/" + id + "/confirm", "", "",
                           {{"Idempotency-Key", "q-1"}});
  REQUIRE(confirmed.status == 200);
  CHECK(confirmed.body["status"] == "succeeded");
  CHECK(s.get("/v1/payment_intents/" + id).body["status"] == "succeeded");
}

TEST_CASE("form bodies with bracket notation, as Stripe's client libraries send") {
  Server s;
  Reply r = s.form("/v1/payment_intents",
                   "amount=1234&currency=eur&metadata[order_ref]=ORD%2042&metadata[note]=a+b"
                   "&capture_method=manual&description=");
  REQUIRE(r.status == 200);
  CHECK(r.body["amount"] == 1234);
  CHECK(r.body["metadata"] == Json{{"order_ref", "ORD 42"}, {"note", "a b"}});
  CHECK(r.body["description"].is_null());
  CHECK(r.body["capture_method"] == "manual");
  check_error(s.form("/v1/payment_intents", "amount=12x&currency=usd"), 400, "amount");
  check_error(s.form("/v1/payment_intents", "amount=100&currency=usd&metadata[a]]=1"), 400,
              "metadata[a]]");
  check_error(s.form("/v1/payment_intents", "amount=100&currency=usd&amount=200"), 400, "amount");
  check_error(s.form("/v1/payment_intents", "amount=100&currency=usd&confirm=yes"), 400, "confirm");
}

TEST_CASE("auth: Basic or Bearer; missing or unknown keys are 401") {
  Server s;
  const std::string id = create_intent(s);
  httplib::Client cli("127.0.0.1", s.port());
  cli.set_bearer_token_auth(kKeyA.c_str());
  auto bearer = cli.Get(("/v1/payment_intents/" + id).c_str());
  REQUIRE(bearer);
  CHECK(bearer->status == 200);
  check_error(s.get("/v1/payment_intents/" + id, ""), 401, "");
  check_error(s.get("/v1/payment_intents/" + id, "sk_test_not_a_key_at_all"), 401, "");
  httplib::Client garbage("127.0.0.1", s.port());
  auto g = garbage.Get("/v1/payment_intents", {{"Authorization", "Basic %%%%"}});
  REQUIRE(g);
  CHECK(g->status == 401);
}

TEST_CASE("one merchant's key never sees another's objects: 404, not 403") {
  Server s;
  const std::string a_intent = create_intent(s, 5000, kKeyA);
  (void)s.post("/v1/payment_intents/" + a_intent + "/confirm",
               {{"payment_method", "pm_card_visa"}});
  Reply refund = s.post("/v1/refunds", {{"payment_intent", a_intent}, {"amount", 100}});
  REQUIRE(refund.status == 200);
  const std::string a_refund = refund.body["id"];
  const auto before = s.app().store().last_position();

  check_error(s.get("/v1/payment_intents/" + a_intent, kKeyB), 404, "id");
  check_error(s.get("/v1/refunds/" + a_refund, kKeyB), 404, "id");
  check_error(s.post("/v1/payment_intents/" + a_intent + "/cancel", nullptr, {}, kKeyB), 404, "id");
  check_error(s.post("/v1/payment_intents/" + a_intent + "/capture", nullptr, {}, kKeyB), 404,
              "id");
  check_error(s.post("/v1/refunds", {{"payment_intent", a_intent}}, {}, kKeyB), 404,
              "payment_intent");
  check_error(s.get("/v1/payment_intents?starting_after=" + a_intent, kKeyB), 400,
              "starting_after");
  CHECK(s.get("/v1/payment_intents", kKeyB).body["data"].empty());
  CHECK(s.get("/v1/refunds", kKeyB).body["data"].empty());
  CHECK(s.app().store().last_position() == before);  // B changed nothing
}

TEST_CASE("idempotency: replay, reuse with another body, key length") {
  Server s;
  const Json body{{"amount", 700}, {"currency", "usd"}};
  Reply first = s.post("/v1/payment_intents", body, {{"Idempotency-Key", "key-1"}});
  REQUIRE(first.status == 200);
  CHECK(first.header("Idempotent-Replayed").empty());
  Reply again = s.post("/v1/payment_intents", body, {{"Idempotency-Key", "key-1"}});
  CHECK(again.status == 200);
  CHECK(again.header("Idempotent-Replayed") == "true");
  CHECK(again.raw == first.raw);
  CHECK(s.get("/v1/payment_intents").body["data"].size() == 1);

  Reply other = s.post("/v1/payment_intents", {{"amount", 701}, {"currency", "usd"}},
                       {{"Idempotency-Key", "key-1"}});
  check_error(other, 400, "Idempotency-Key");
  CHECK(other.body["error"]["type"] == "idempotency_error");

  // Keys are per merchant: B may use the same key for its own request.
  Reply b = s.post("/v1/payment_intents", body, {{"Idempotency-Key", "key-1"}}, kKeyB);
  CHECK(b.status == 200);
  CHECK(b.body["id"] != first.body["id"]);

  check_error(s.post("/v1/payment_intents", body, {{"Idempotency-Key", std::string(256, 'k')}}),
              400, "Idempotency-Key");
  CHECK(s.post("/v1/payment_intents", body, {{"Idempotency-Key", std::string(255, 'k')}}).status ==
        200);

  // Only 2xx are stored: a rejected request may be retried with the same key after a fix.
  check_error(s.post("/v1/payment_intents", {{"amount", 0}, {"currency", "usd"}},
                     {{"Idempotency-Key", "key-2"}}),
              400, "amount");
  check_error(s.post("/v1/payment_intents", {{"amount", 0}, {"currency", "usd"}},
                     {{"Idempotency-Key", "key-2"}}),
              400, "amount");

  // Records expire after 24 hours: the same key then makes a new object.
  s.clock().advance(24 * 3600);
  Reply later = s.post("/v1/payment_intents", body, {{"Idempotency-Key", "key-1"}});
  CHECK(later.status == 200);
  CHECK(later.header("Idempotent-Replayed").empty());
  CHECK(later.body["id"] != first.body["id"]);
}

TEST_CASE("idempotency: concurrent duplicates make one object; the rest replay or get 409") {
  Server s;
  for (int round = 0; round < 5; ++round) {
    const std::string key = "race-" + std::to_string(round);
    std::atomic<int> fresh{0};
    std::atomic<int> replayed{0};
    std::atomic<int> conflicts{0};
    std::atomic<int> other{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&] {
        Reply r = s.post("/v1/payment_intents", {{"amount", 900}, {"currency", "usd"}},
                         {{"Idempotency-Key", key}});
        if (r.status == 200 && r.header("Idempotent-Replayed").empty()) {
          ++fresh;
        } else if (r.status == 200) {
          ++replayed;
        } else if (r.status == 409 && r.body["error"]["type"] == "idempotency_error") {
          ++conflicts;
        } else {
          ++other;
        }
      });
    }
    for (auto& t : threads) t.join();
    CHECK(fresh == 1);
    CHECK(replayed + conflicts == 7);
    CHECK(other == 0);
  }
  CHECK(s.get("/v1/payment_intents?limit=100").body["data"].size() == 5);
}

TEST_CASE("bad input: a clear error naming the parameter, and nothing written") {
  Server s;
  const std::string id = create_intent(s);
  const auto before = s.app().store().last_position();
  check_error(s.send("POST", "/v1/payment_intents", "{not json"), 400, "");
  check_error(s.send("POST", "/v1/payment_intents", "[1,2,3]"), 400, "");
  check_error(s.send("POST", "/v1/payment_intents", std::string(100, '[') + std::string(100, ']')),
              400, "");
  check_error(s.send("POST", "/v1/payment_intents", "amount=1", "text/plain"), 400, "");
  check_error(s.post("/v1/payment_intents", {{"currency", "usd"}}), 400, "amount");
  check_error(s.post("/v1/payment_intents", {{"amount", "100"}, {"currency", "usd"}}), 400,
              "amount");
  check_error(s.post("/v1/payment_intents", {{"amount", 1.5}, {"currency", "usd"}}), 400, "amount");
  check_error(s.post("/v1/payment_intents", {{"amount", 0}, {"currency", "usd"}}), 400, "amount");
  check_error(s.post("/v1/payment_intents", {{"amount", -5}, {"currency", "usd"}}), 400, "amount");
  check_error(s.post("/v1/payment_intents", {{"amount", 100000000}, {"currency", "usd"}}), 400,
              "amount");
  check_error(
      s.post("/v1/payment_intents", {{"amount", 9223372036854775807LL}, {"currency", "usd"}}), 400,
      "amount");
  check_error(s.post("/v1/payment_intents", {{"amount", 100}}), 400, "currency");
  check_error(s.post("/v1/payment_intents", {{"amount", 100}, {"currency", "USD"}}), 400,
              "currency");
  check_error(s.post("/v1/payment_intents", {{"amount", 100}, {"currency", "usdollars"}}), 400,
              "currency");
  check_error(s.post("/v1/payment_intents",
                     {{"amount", 100}, {"currency", "usd"}, {"capture_method", "later"}}),
              400, "capture_method");
  check_error(
      s.post("/v1/payment_intents", {{"amount", 100}, {"currency", "usd"}, {"colour", "red"}}), 400,
      "colour");
  check_error(s.post("/v1/payment_intents",
                     {{"amount", 100}, {"currency", "usd"}, {"metadata", {{"k", 1}}}}),
              400, "metadata[k]");
  check_error(
      s.post("/v1/payment_intents", {{"amount", 100}, {"currency", "usd"}, {"metadata", "x"}}), 400,
      "metadata");
  check_error(s.post("/v1/payment_intents",
                     {{"amount", 100}, {"currency", "usd"}, {"payment_method", "pm_nope"}}),
              400, "payment_method");
  check_error(
      s.post("/v1/payment_intents",
             {{"amount", 100}, {"currency", "usd"}, {"description", std::string(1001, 'd')}}),
      400, "description");
  check_error(s.post("/v1/payment_intents/" + id + "/confirm", {{"payment_method", 7}}), 400,
              "payment_method");
  check_error(s.post("/v1/payment_intents/" + id + "/confirm", nullptr), 400, "payment_method");
  check_error(s.post("/v1/payment_intents/" + id + "/cancel", {{"cancellation_reason", "bored"}}),
              400, "cancellation_reason");
  check_error(s.post("/v1/refunds", {{"amount", 5}}), 400, "payment_intent");
  check_error(s.post("/v1/refunds", {{"payment_intent", id}, {"amount", 0}}), 400, "amount");
  check_error(s.get("/v1/payment_intents?limit=0"), 400, "limit");
  check_error(s.get("/v1/payment_intents?limit=101"), 400, "limit");
  check_error(s.get("/v1/payment_intents?limit=ten"), 400, "limit");
  check_error(s.get("/v1/payment_intents?starting_after=pi_nope"), 400, "starting_after");
  check_error(s.get("/v1/payment_intents?starting_after=" + id + "&ending_before=" + id), 400,
              "ending_before");
  check_error(s.get("/v1/payment_intents?sort=asc"), 400, "sort");
  check_error(s.get("/v1/payment_intents/pi_doesnotexist"), 404, "id");
  check_error(s.get("/v1/payment_intents/mer_sneaky"), 404, "id");
  check_error(s.post("/v1/payment_intents/pi_nope/confirm", {{"payment_method", "pm_card_visa"}}),
              404, "id");
  check_error(s.get("/v1/nothing"), 404, "");
  Reply huge =
      s.send("POST", "/v1/payment_intents", "{\"amount\":" + std::string(2 << 20, '1') + "}");
  CHECK(huge.status == 413);
  CHECK(s.app().store().last_position() == before);  // not one event from any of it
  CHECK(s.get("/healthz").status == 200);            // and the server is still serving
}

TEST_CASE("declines answer 402 with the intent; the failure is on the intent and its charge") {
  Server s;
  const std::string id = create_intent(s, 3100);
  Reply declined = s.post("/v1/payment_intents/" + id + "/confirm",
                          {{"payment_method", "pm_card_insufficientFunds"}});
  check_error(declined, 402, "payment_method");
  CHECK(declined.body["error"]["type"] == "card_error");
  CHECK(declined.body["error"]["code"] == "card_declined");
  CHECK(declined.body["error"]["decline_code"] == "insufficient_funds");
  CHECK(declined.body["error"]["payment_intent"]["status"] == "requires_payment_method");
  Reply pi = s.get("/v1/payment_intents/" + id);
  CHECK(pi.body["status"] == "requires_payment_method");
  CHECK(pi.body["last_payment_error"]["code"] == "card_declined");
  CHECK(pi.body["charges"]["data"][0]["status"] == "failed");
  CHECK(pi.body["charges"]["data"][0]["failure_code"] == "card_declined");
  Reply retry =
      s.post("/v1/payment_intents/" + id + "/confirm", {{"payment_method", "pm_card_mastercard"}});
  CHECK(retry.body["status"] == "succeeded");
  CHECK(retry.body["last_payment_error"].is_null());
  CHECK(retry.body["charges"]["data"].size() == 2);
}

TEST_CASE("3-D Secure: requires_action with a redirect, then a later confirm completes it") {
  Server s;
  const std::string id = create_intent(s);
  Reply action = s.post("/v1/payment_intents/" + id + "/confirm",
                        {{"payment_method", "pm_card_threeDSecureRequired"},
                         {"return_url", "https://shop.example/done"}});
  CHECK(action.body["status"] == "requires_action");
  CHECK(action.body["next_action"]["type"] == "redirect_to_url");
  CHECK(action.body["next_action"]["redirect_to_url"]["url"] ==
        "/v1/payment_intents/" + id + "/confirm");
  Reply done = s.post("/v1/payment_intents/" + id + "/confirm", nullptr);
  CHECK(done.body["status"] == "succeeded");
  CHECK(done.body["next_action"].is_null());
}

TEST_CASE("3-D Secure: next_action.redirect_to_url.return_url is the confirm's return_url") {
  Server s;
  const std::string id = create_intent(s);
  Reply action = s.post("/v1/payment_intents/" + id + "/confirm",
                        {{"payment_method", "pm_card_threeDSecureRequired"},
                         {"return_url", "https://shop.example/done?order=1"}});
  REQUIRE(action.status == 200);
  CHECK(action.body["status"] == "requires_action");
  CHECK(action.body["next_action"]["redirect_to_url"]["return_url"] ==
        "https://shop.example/done?order=1");
  Reply got = s.get("/v1/payment_intents/" + id);
  CHECK(got.body["next_action"]["redirect_to_url"]["return_url"] ==
        "https://shop.example/done?order=1");

  // The same through create with confirm=true, in a form body.
  Reply created = s.form("/v1/payment_intents",
                         "amount=2500&currency=usd&confirm=true"
                         "&payment_method=pm_card_threeDSecureRequired"
                         "&return_url=https%3A%2F%2Fshop.example%2Fback");
  REQUIRE(created.status == 200);
  CHECK(created.body["status"] == "requires_action");
  CHECK(created.body["next_action"]["redirect_to_url"]["return_url"] ==
        "https://shop.example/back");
  const std::string created_id = created.body["id"];
  CHECK(s.get("/v1/payment_intents/" + created_id)
            .body["next_action"]["redirect_to_url"]["return_url"] == "https://shop.example/back");

  // Without a return_url it is null.
  const std::string bare = create_intent(s);
  Reply no_url = s.post("/v1/payment_intents/" + bare + "/confirm",
                        {{"payment_method", "pm_card_threeDSecureRequired"}});
  CHECK(no_url.body["next_action"]["redirect_to_url"]["return_url"].is_null());
}

TEST_CASE("two concurrent confirms of one intent: exactly one wins") {
  Server s;
  for (int round = 0; round < 10; ++round) {
    const std::string id = create_intent(s);
    std::atomic<int> ok{0};
    std::atomic<int> unexpected_state{0};
    std::thread a([&] {
      Reply r =
          s.post("/v1/payment_intents/" + id + "/confirm", {{"payment_method", "pm_card_visa"}});
      if (r.status == 200) ++ok;
      if (r.status == 400 && r.body["error"]["code"] == "payment_intent_unexpected_state")
        ++unexpected_state;
    });
    std::thread b([&] {
      Reply r =
          s.post("/v1/payment_intents/" + id + "/confirm", {{"payment_method", "pm_card_visa"}});
      if (r.status == 200) ++ok;
      if (r.status == 400 && r.body["error"]["code"] == "payment_intent_unexpected_state")
        ++unexpected_state;
    });
    a.join();
    b.join();
    CHECK(ok == 1);
    CHECK(unexpected_state == 1);
    auto intent = s.app().commands().load<payment_intents::Module>(
        domain::MerchantId{s.get("/v1/payment_intents/" + id).body["merchant_id"]}, id);
    REQUIRE(intent.has_value());
    REQUIRE(intent->state.has_value());
    CHECK(intent->state->charges.size() == 1);  // one charge: no lost update, no double charge
    CHECK(intent->state->amount_received.minor() == 2000);
  }
}

TEST_CASE("refunds: create, retrieve, list, and never more than received") {
  Server s;
  const std::string id = create_intent(s, 5000);
  check_error(s.post("/v1/refunds", {{"payment_intent", id}}), 400, "");  // nothing received yet
  (void)s.post("/v1/payment_intents/" + id + "/confirm", {{"payment_method", "pm_card_visa"}});
  Reply r1 =
      s.post("/v1/refunds",
             {{"payment_intent", id}, {"amount", 2000}, {"reason", "requested_by_customer"}});
  REQUIRE(r1.status == 200);
  CHECK(r1.body["object"] == "refund");
  CHECK(r1.body["id"].get<std::string>().starts_with("re_"));
  CHECK(r1.body["amount"] == 2000);
  CHECK(r1.body["status"] == "succeeded");
  CHECK(r1.body["payment_intent"] == id);
  CHECK(r1.body["reason"] == "requested_by_customer");
  CHECK(s.get("/v1/refunds/" + r1.body["id"].get<std::string>()).raw == r1.raw);
  Reply pi = s.get("/v1/payment_intents/" + id);
  CHECK(pi.body["status"] == "partially_refunded");
  CHECK(pi.body["charges"]["data"][0]["amount_refunded"] == 2000);
  check_error(s.post("/v1/refunds", {{"payment_intent", id}, {"amount", 3001}}), 400, "amount");
  check_error(s.post("/v1/refunds", {{"payment_intent", id}, {"reason", "whim"}}), 400, "reason");
  Reply rest = s.post("/v1/refunds", {{"payment_intent", id}});
  CHECK(rest.body["amount"] == 3000);
  CHECK(s.get("/v1/payment_intents/" + id).body["status"] == "refunded");
  Reply list = s.get("/v1/refunds?limit=1");
  CHECK(list.body["data"].size() == 1);
  CHECK(list.body["has_more"] == true);
  CHECK(list.body["data"][0]["id"] == rest.body["id"]);
  CHECK(list.body["url"] == "/v1/refunds");
}

TEST_CASE("read-your-writes: a GET right after a POST sees it") {
  Server s;
  for (int i = 0; i < 100; ++i) {
    Reply created = s.post("/v1/payment_intents", {{"amount", 100 + i}, {"currency", "usd"}});
    REQUIRE(created.status == 200);
    CHECK_FALSE(created.header("Payledger-Position").empty());
    Reply got = s.get("/v1/payment_intents/" + created.body["id"].get<std::string>());
    CHECK(got.status == 200);
    CHECK(got.raw == created.raw);
  }
}

TEST_CASE("expiry and settlement are driven by the clock through the sweeper") {
  Server s;
  Reply manual = s.post("/v1/payment_intents",
                        {{"amount", 4200}, {"currency", "usd"}, {"capture_method", "manual"}});
  const std::string held = manual.body["id"];
  (void)s.post("/v1/payment_intents/" + held + "/confirm", {{"payment_method", "pm_card_visa"}});
  const std::string bank = create_intent(s, 990);
  Reply processing = s.post("/v1/payment_intents/" + bank + "/confirm",
                            {{"payment_method", "pm_usBankAccount_success"}});
  CHECK(processing.body["status"] == "processing");
  CHECK(processing.body["charges"]["data"][0]["status"] == "pending");

  CHECK(s.app().sweeper().sweep_once() == 0);  // nothing due yet
  s.clock().advance(5);
  CHECK(s.app().sweeper().sweep_once() == 1);  // the bank debit settles
  REQUIRE(s.app().runner().wait_for(s.app().store().last_position(), std::chrono::seconds(5)));
  CHECK(s.get("/v1/payment_intents/" + bank).body["status"] == "succeeded");
  CHECK(s.get("/v1/payment_intents/" + held).body["status"] == "requires_capture");

  s.clock().advance(7 * 86'400);
  CHECK(s.app().sweeper().sweep_once() == 1);  // the authorization expires
  REQUIRE(s.app().runner().wait_for(s.app().store().last_position(), std::chrono::seconds(5)));
  Reply expired = s.get("/v1/payment_intents/" + held);
  CHECK(expired.body["status"] == "canceled");
  CHECK(expired.body["cancellation_reason"] == "automatic");
  CHECK(s.app().sweeper().sweep_once() == 0);
}

TEST_CASE("/metrics and /healthz") {
  Server s;
  (void)create_intent(s);
  Reply health = s.get("/healthz", "");
  CHECK(health.status == 200);
  CHECK(health.body["status"] == "ok");
  CHECK(health.body["projected_position"] == s.app().store().last_position().value);
  httplib::Client cli("127.0.0.1", s.port());
  auto m = cli.Get("/metrics");
  REQUIRE(m);
  CHECK(m->status == 200);
  for (const char* family :
       {"payledger_http_requests_total{", "payledger_http_request_duration_seconds_bucket{",
        "payledger_events_appended_total", "payledger_projection_lag_events",
        "payledger_events_projected_total", "payledger_group_commit_appends_bucket"}) {
    CHECK_MESSAGE(m->body.find(family) != std::string::npos, family);
  }
  CHECK(m->body.find(R"(route="/v1/payment_intents",status="200")") != std::string::npos);
}

TEST_CASE("random garbage never crashes the server, never gets a 5xx, never writes") {
  Server s;
  const auto before = s.app().store().last_position();
  std::mt19937 rng(7);
  const char* paths[] = {"/v1/payment_intents", "/v1/refunds", "/v1/payment_intents/pi_x/confirm",
                         "/v1/payment_intents/pi_x/capture"};
  const char* types[] = {"application/json", "application/x-www-form-urlencoded", "", "text/xml"};
  const char* fragments[] = {"{",
                             "}",
                             "[",
                             "]",
                             "\"amount\"",
                             ":",
                             ",",
                             "1e999",
                             "-0",
                             "null",
                             "\"metadata\"",
                             "%",
                             "&",
                             "=",
                             "[x]",
                             "\\u0000",
                             "\xff\xfe",
                             "true",
                             "99999999999999999999",
                             "\"currency\":\"usd\"",
                             "amount=",
                             "a[b][c]="};
  for (int i = 0; i < 400; ++i) {
    std::string body;
    const int parts = std::uniform_int_distribution<int>(0, 30)(rng);
    for (int p = 0; p < parts; ++p) body += fragments[rng() % std::size(fragments)];
    Reply r = s.send("POST", paths[rng() % 4], body, types[rng() % 4]);
    CAPTURE(body);
    CHECK(r.status >= 400);
    CHECK(r.status < 500);
    CHECK(r.body.contains("error"));
  }
  CHECK(s.app().store().last_position() == before);
  CHECK(s.get("/healthz").status == 200);
}

TEST_CASE("idle keep-alive connections do not starve new clients") {
  Server s;
  // Hold many keep-alive connections open after one request each, then ask on a new one.
  std::vector<std::unique_ptr<httplib::Client>> idle;
  for (int i = 0; i < 150; ++i) {
    auto cli = std::make_unique<httplib::Client>("127.0.0.1", s.port());
    cli->set_keep_alive(true);
    cli->set_basic_auth(kKeyA.c_str(), "");
    auto r = cli->Get("/v1/payment_intents?limit=1");
    REQUIRE(r);
    idle.push_back(std::move(cli));
  }
  const auto started = std::chrono::steady_clock::now();
  Reply fresh = s.get("/v1/payment_intents?limit=1");
  CHECK(fresh.status == 200);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));
}

TEST_CASE("a read carrying Payledger-Position waits for the views, within a bound") {
  Server s;
  Reply created = s.post("/v1/payment_intents", {{"amount", 500}, {"currency", "usd"}});
  const std::string position = created.header("Payledger-Position");
  REQUIRE_FALSE(position.empty());
  const std::string path = "/v1/payment_intents/" + created.body["id"].get<std::string>();
  CHECK(s.send("GET", path, "", "", {{"Payledger-Position", position}}).status == 200);
  Reply ahead = s.send("GET", path, "", "", {{"Payledger-Position", "999999999"}});
  check_error(ahead, 503, "Payledger-Position");
  check_error(s.send("GET", path, "", "", {{"Payledger-Position", "soon"}}), 400,
              "Payledger-Position");
}

TEST_CASE("a PaymentIntent's customer must exist, be the merchant's and not deleted") {
  Server s;
  const std::string customer = s.post("/v1/customers", {{"name", "Ann"}}).body["id"];
  const auto before = s.app().store().last_position();
  Reply missing =
      s.post("/v1/payment_intents", {{"amount", 100}, {"currency", "usd"}, {"customer", "cus_x"}});
  check_error(missing, 400, "customer");
  CHECK(missing.body["error"]["code"] == "resource_missing");
  check_error(s.post("/v1/payment_intents",
                     {{"amount", 100}, {"currency", "usd"}, {"customer_id", "cus_nope"}}),
              400, "customer_id");
  check_error(s.post("/v1/payment_intents",
                     {{"amount", 100}, {"currency", "usd"}, {"customer", customer}}, {}, kKeyB),
              400, "customer");
  // An id of another kind is no customer.
  const std::string pi = create_intent(s);
  check_error(
      s.post("/v1/payment_intents", {{"amount", 100}, {"currency", "usd"}, {"customer", pi}}), 400,
      "customer");
  CHECK(s.app().store().last_position().value == before.value + 1);  // only create_intent wrote
  Reply ok =
      s.post("/v1/payment_intents", {{"amount", 100}, {"currency", "usd"}, {"customer", customer}});
  REQUIRE(ok.status == 200);
  const std::string with_customer = ok.body["id"];
  Reply listed = s.get("/v1/payment_intents?customer=" + customer);
  REQUIRE(listed.body["data"].size() == 1);
  CHECK(listed.body["data"][0]["id"] == with_customer);
  REQUIRE(s.del("/v1/customers/" + customer).status == 200);
  check_error(
      s.post("/v1/payment_intents", {{"amount", 100}, {"currency", "usd"}, {"customer", customer}}),
      400, "customer");
}

TEST_CASE("update: description and metadata any time, the amount only before confirmation") {
  Server s;
  const std::string id = create_intent(s, 1000);
  Reply u = s.form("/v1/payment_intents/" + id,
                   "amount=1500&description=Bigger+order&metadata[a]=1&metadata[b]=2");
  REQUIRE(u.status == 200);
  CHECK(u.body["amount"] == 1500);
  CHECK(u.body["description"] == "Bigger order");
  CHECK(u.body["metadata"] == Json{{"a", "1"}, {"b", "2"}});
  CHECK(s.get("/v1/payment_intents/" + id).raw == u.raw);
  check_error(s.post("/v1/payment_intents/" + id, {{"amount", 0}}), 400, "amount");
  check_error(s.post("/v1/payment_intents/" + id, {{"currency", "eur"}}), 400, "currency");
  Reply paid =
      s.post("/v1/payment_intents/" + id + "/confirm", {{"payment_method", "pm_card_visa"}});
  REQUIRE(paid.status == 200);
  CHECK(paid.body["amount_received"] == 1500);  // the updated amount was charged
  check_error(s.post("/v1/payment_intents/" + id, {{"amount", 2000}}), 400, "amount");
  Reply meta =
      s.post("/v1/payment_intents/" + id, {{"metadata", {{"a", ""}}}, {"description", ""}});
  REQUIRE(meta.status == 200);
  CHECK(meta.body["metadata"] == Json{{"b", "2"}});
  CHECK(meta.body["description"].is_null());
  check_error(s.post("/v1/payment_intents/pi_nope", {{"description", "x"}}), 404, "id");
}

TEST_CASE("confirm=true on create is one append: a retried decline makes no second intent") {
  Server s;
  const Json body = {{"amount", 700},
                     {"currency", "usd"},
                     {"payment_method", "pm_card_chargeDeclined"},
                     {"confirm", true}};
  Reply first = s.post("/v1/payment_intents", body, {{"Idempotency-Key", "cc-1"}});
  CHECK(first.status == 402);
  const auto after_first = s.app().store().last_position();
  Reply again = s.post("/v1/payment_intents", body, {{"Idempotency-Key", "cc-1"}});
  CHECK(again.status == 402);
  CHECK(again.header("Idempotent-Replayed") == "true");
  CHECK(again.raw == first.raw);
  CHECK(s.app().store().last_position() == after_first);  // the card was not tried again
  CHECK(s.get("/v1/payment_intents").body["data"].size() == 1);
  // Created and declined in one append: the intent's events are contiguous.
  CHECK(first.body["error"]["payment_intent"]["status"] == "requires_payment_method");
}

TEST_CASE("a declined confirm is a completed attempt: replayed, never charged twice") {
  Server s;
  const std::string id = create_intent(s, 900);
  const std::string path = "/v1/payment_intents/" + id + "/confirm";
  Reply declined =
      s.post(path, {{"payment_method", "pm_card_chargeDeclined"}}, {{"Idempotency-Key", "d-1"}});
  REQUIRE(declined.status == 402);
  Reply replayed =
      s.post(path, {{"payment_method", "pm_card_chargeDeclined"}}, {{"Idempotency-Key", "d-1"}});
  CHECK(replayed.status == 402);
  CHECK(replayed.header("Idempotent-Replayed") == "true");
  CHECK(replayed.raw == declined.raw);
  CHECK(s.get("/v1/payment_intents/" + id).body["charges"]["data"].size() == 1);
  // Validation errors are not stored: the same key may be used once the request is right.
  Reply invalid = s.post(path, {{"payment_method", 5}}, {{"Idempotency-Key", "d-2"}});
  check_error(invalid, 400, "payment_method");
  Reply invalid_again = s.post(path, {{"payment_method", 5}}, {{"Idempotency-Key", "d-2"}});
  CHECK(invalid_again.header("Idempotent-Replayed").empty());
}

TEST_CASE("the idempotency fingerprint is of the parameters, not the bytes") {
  Server s;
  Reply json = s.post("/v1/payment_intents",
                      {{"amount", 1200}, {"currency", "usd"}, {"metadata", {{"k", "v"}}}},
                      {{"Idempotency-Key", "f-1"}});
  REQUIRE(json.status == 200);
  // The same parameters as a form, in another order: the same request.
  Reply form = s.send("POST", "/v1/payment_intents", "metadata[k]=v&currency=usd&amount=1200",
                      "application/x-www-form-urlencoded", {{"Idempotency-Key", "f-1"}});
  CHECK(form.status == 200);
  CHECK(form.header("Idempotent-Replayed") == "true");
  CHECK(form.raw == json.raw);
  Reply other = s.send("POST", "/v1/payment_intents", "currency=usd&amount=1201",
                       "application/x-www-form-urlencoded", {{"Idempotency-Key", "f-1"}});
  check_error(other, 400, "Idempotency-Key");
}

TEST_CASE("Stripe's headers: Request-Id always, Stripe-Version echoed, Stripe-Should-Retry") {
  Server s;
  Reply ok = s.send("GET", "/v1/payment_intents", "", "",
                    {{"Stripe-Version", "2020-08-27"}, {"X-Stripe-Client-Telemetry", "{}"}});
  CHECK(ok.status == 200);
  CHECK(ok.header("Request-Id").starts_with("req_"));
  CHECK(ok.header("Stripe-Version") == "2020-08-27");
  Reply other = s.get("/v1/payment_intents");
  CHECK(other.header("Request-Id") != ok.header("Request-Id"));
  Reply bad = s.post("/v1/payment_intents", {{"amount", "x"}});
  CHECK(bad.header("Request-Id").starts_with("req_"));
  CHECK(bad.header("Stripe-Should-Retry") == "false");
  Reply unknown = s.get("/v1/nothing_here");
  CHECK(unknown.status == 404);
  CHECK(unknown.header("Request-Id").starts_with("req_"));
  Reply unauthenticated = s.get("/v1/payment_intents", "");
  CHECK(unauthenticated.header("Request-Id").starts_with("req_"));
  CHECK(unauthenticated.header("Stripe-Should-Retry") == "false");
}

TEST_CASE("Payledger-Position: authentication first; only an authenticated read waits, capped") {
  Server s;
  const httplib::Headers far = {{"Payledger-Position", "999999999"}};
  auto timed = [&](const std::string& key) {
    const auto started = std::chrono::steady_clock::now();
    Reply r = s.send("GET", "/v1/payment_intents", "", "", far, key);
    return std::make_pair(r, std::chrono::steady_clock::now() - started);
  };
  auto [no_key, no_key_took] = timed("");
  check_error(no_key, 401, "");
  CHECK(no_key_took < std::chrono::milliseconds(200));  // never held a worker
  auto [unknown, unknown_took] = timed("sk_test_unknown_key_0000");
  CHECK(unknown.status == 503);  // maybe a key this replica has not seen yet: retry
  CHECK(unknown.header("Stripe-Should-Retry") == "true");
  CHECK(unknown_took < std::chrono::milliseconds(200));
  auto [known, known_took] = timed(kKeyA);
  CHECK(known.status == 503);
  CHECK(known_took >= std::chrono::milliseconds(250));  // waited, up to the cap (300 ms here)
  CHECK(known_took < std::chrono::seconds(3));
}

namespace {

// Sends `bytes` on a new connection to 127.0.0.1:`port` and returns the first `count` answers:
// each its status line, headers and Content-Length bytes of body (or what came within 5 s).
std::string first_answer(int port, const std::string& bytes, int count = 1) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0);
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  REQUIRE(::send(fd, bytes.data(), bytes.size(), 0) == static_cast<ssize_t>(bytes.size()));
  std::string answer;
  char buffer[4096];
  // Where the answers read whole end; a HEAD's answer has no body whatever its length says.
  const auto complete = [&] {
    std::size_t at = 0;
    for (int i = 0; i < count; ++i) {
      const auto end = answer.find("\r\n\r\n", at);
      if (end == std::string::npos) return false;
      const auto length = answer.find("Content-Length: ", at);
      std::size_t body = length < end ? std::stoul(answer.substr(length + 16)) : 0;
      if (bytes.starts_with("HEAD") && i == 0) body = 0;
      if (answer.size() < end + 4 + body) return false;
      at = end + 4 + body;
    }
    return true;
  };
  for (ssize_t n = 0; (n = ::recv(fd, buffer, sizeof(buffer), 0)) > 0;) {
    answer.append(buffer, static_cast<std::size_t>(n));
    if (complete()) break;
  }
  ::close(fd);
  return answer;
}

}  // namespace

// Found by schemathesis under cpp-httplib: a multipart/form-data body without a boundary was
// refused before the body was read, and the body's bytes were taken for the next request on the
// connection. The server reads every body whole (or closes): each answer is its own request's.
TEST_CASE("a body the API cannot take is read whole; the next request gets its own answer") {
  Server s;
  const std::string body = "email=someone%40example.com";
  const std::string answers =
      first_answer(s.port(),
                   "POST /v1/customers HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                       kKeyA + "\r\nContent-Type: multipart/form-data\r\nContent-Length: " +
                       std::to_string(body.size()) + "\r\n\r\n" + body +
                       "GET /v1/nothing_here HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                   2);
  CAPTURE(answers);
  REQUIRE(answers.starts_with("HTTP/1.1 400"));
  CHECK(answers.find(R"("code":"parameter_invalid_body")") != std::string::npos);
  const auto second = answers.find("HTTP/1.1 ", 1);
  REQUIRE(second != std::string::npos);
  CHECK(answers.substr(second).starts_with("HTTP/1.1 404"));
  CHECK(answers.find("Unrecognized request URL (GET /v1/nothing_here)") != std::string::npos);
}

TEST_CASE("HTTP as clients send it: bodyless POSTs, large forms, HEAD, 405 with Allow") {
  Server s;
  const std::string id = create_intent(s);
  // Stripe's documented curl form: -X POST .../cancel -u KEY: sends no body and no length.
  const std::string basic =
      "c2tfdGVzdF9tZXJjaGFudF9hXzAwMDE6";  // base64("sk_test_merchant_a_0001:")
  REQUIRE(kKeyA == "sk_test_merchant_a_0001");
  const std::string cancelled = first_answer(
      s.port(), "POST /v1/payment_intents/" + id + "/cancel HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                    "Authorization: Basic " + basic + "\r\n\r\n");
  CAPTURE(cancelled);
  CHECK(cancelled.starts_with("HTTP/1.1 200"));
  CHECK(cancelled.find(R"("status":"canceled")") != std::string::npos);
  // Forms as the SDKs send them, beyond cpp-httplib's 8 KB form limit: 20 metadata values of
  // 450 characters, and a 100 KB body, taken whole and refused by the field's own cap.
  std::string form = "amount=1000&currency=usd";
  for (int i = 0; i < 20; ++i) {
    form += "&metadata[k" + std::to_string(i) + "]=" + std::string(450, 'v');
  }
  const Reply with_metadata = s.form("/v1/payment_intents", form);
  CHECK(with_metadata.status == 200);
  CHECK(with_metadata.body["metadata"]["k19"] == std::string(450, 'v'));
  const std::string big = "amount=1000&currency=usd&description=" + std::string(100'000, 'd');
  const Reply described = s.form("/v1/payment_intents", big);
  CHECK(described.status == 400);
  CHECK(described.body["error"]["param"] == "description");
  // HEAD: a GET's head, no body.
  const std::string head =
      first_answer(s.port(),
                   "HEAD /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /healthz HTTP/1.1\r\n"
                   "Host: 127.0.0.1\r\n\r\n",
                   2);
  CAPTURE(head);
  CHECK(head.starts_with("HTTP/1.1 200"));
  const auto next = head.find("HTTP/1.1 ", 1);
  REQUIRE(next != std::string::npos);
  CHECK(head.substr(0, next).ends_with("\r\n\r\n"));  // nothing of a body before the next
  CHECK(head.substr(next).find(R"("status":"ok")") != std::string::npos);
  // A known path, another method: 405 naming what it takes.
  const std::string wrong = first_answer(
      s.port(), "DELETE /v1/payment_intents/" + id + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                    "Authorization: Bearer " + kKeyA + "\r\n\r\n");
  CAPTURE(wrong);
  CHECK(wrong.starts_with("HTTP/1.1 405"));
  CHECK(wrong.find("Allow: GET, HEAD, POST\r\n") != std::string::npos);
}
