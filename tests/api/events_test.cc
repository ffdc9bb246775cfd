// The Events API against a real server: which public events each change makes, data.object as
// it was right after the change (not as it is now), previous_attributes, the list's filters and
// cursors, and merchants kept apart.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/support/test_server.h"

using namespace payledger;
using payledger::testing::check_error;
using payledger::testing::Json;
using payledger::testing::kKeyB;
using payledger::testing::kT0;
using payledger::testing::Reply;
using payledger::testing::Server;

namespace {

std::vector<std::string> types_of(const Reply& list) {
  std::vector<std::string> out;
  for (const Json& e : list.body["data"]) out.push_back(e["type"]);
  return out;
}

const Json& event_of(const Reply& list, const std::string& type) {
  for (const Json& e : list.body["data"]) {
    if (e["type"] == type) return e;
  }
  FAIL("no event of type " << type);
  static const Json none;
  return none;
}

// A manual-capture intent, authorized, captured and partly refunded. Returns its id.
std::string paid_and_refunded(Server& s) {
  Reply pi = s.post("/v1/payment_intents",
                    {{"amount", 5000}, {"currency", "usd"}, {"capture_method", "manual"}});
  REQUIRE(pi.status == 200);
  const std::string id = pi.body["id"];
  REQUIRE(s.post("/v1/payment_intents/" + id + "/confirm", {{"payment_method", "pm_card_visa"}})
              .status == 200);
  s.clock().advance(60);
  REQUIRE(s.post("/v1/payment_intents/" + id + "/capture", Json::object()).status == 200);
  REQUIRE(s.post("/v1/refunds", {{"payment_intent", id}, {"amount", 1200}}).status == 200);
  return id;
}

}  // namespace

TEST_CASE("events: a payment's life as Stripe announces it, each object as it was then") {
  Server s;
  const std::string id = paid_and_refunded(s);
  Reply all = s.get("/v1/events?limit=100");
  REQUIRE(all.status == 200);
  CHECK(all.body["object"] == "list");
  CHECK(all.body["url"] == "/v1/events");
  // Newest first; within one change, in the order announced, newest first too.
  CHECK(types_of(all) == std::vector<std::string>{"charge.refunded", "refund.created",
                                                  "payment_intent.succeeded", "charge.captured",
                                                  "payment_intent.amount_capturable_updated",
                                                  "charge.succeeded", "payment_intent.created"});
  const Json& authorized = event_of(all, "payment_intent.amount_capturable_updated");
  CHECK(authorized["object"] == "event");
  CHECK(authorized["api_version"] == "2026-03-01");
  CHECK(authorized["livemode"] == false);
  CHECK(authorized["created"] == kT0);
  CHECK(authorized["data"]["object"]["id"] == id);
  CHECK(authorized["data"]["object"]["status"] == "requires_capture");  // not "succeeded"
  CHECK(authorized["data"]["object"]["amount_capturable"] == 5000);
  CHECK_FALSE(authorized["data"].contains("previous_attributes"));
  CHECK(authorized["request"] == Json{{"id", nullptr}, {"idempotency_key", nullptr}});
  const Json& succeeded = event_of(all, "payment_intent.succeeded");
  CHECK(succeeded["created"] == kT0 + 60);
  CHECK(succeeded["data"]["object"]["amount_received"] == 5000);
  // The refund came later: the charge as this event shows it has none.
  CHECK(succeeded["data"]["object"]["charges"]["data"][0]["amount_refunded"] == 0);
  const Json& charge = event_of(all, "charge.refunded")["data"]["object"];
  CHECK(charge["object"] == "charge");
  CHECK(charge["amount_refunded"] == 1200);
  CHECK(charge["payment_intent"] == id);
  CHECK(event_of(all, "refund.created")["data"]["object"]["object"] == "refund");
  // Each event is its own resource, the same JSON as in the list; and charges are served too.
  const std::string evt = authorized["id"];
  CHECK(evt.starts_with("evt_"));
  CHECK(s.get("/v1/events/" + evt).body == authorized);
  CHECK(s.get("/v1/charges/" + std::string(charge["id"])).body["amount_refunded"] == 1200);
  // Another merchant sees none of it.
  check_error(s.get("/v1/events/" + evt, kKeyB), 404, "id");
  CHECK(s.get("/v1/events", kKeyB).body["data"].empty());
}

TEST_CASE("events: a decline, and an update's previous_attributes, and a deletion") {
  Server s;
  Reply pi = s.post("/v1/payment_intents", {{"amount", 700}, {"currency", "eur"}});
  const std::string id = pi.body["id"];
  s.post("/v1/payment_intents/" + id + "/confirm", {{"payment_method", "pm_card_chargeDeclined"}});
  Reply failed = s.get("/v1/events?type=payment_intent.payment_failed");
  REQUIRE(failed.body["data"].size() == 1);
  CHECK(failed.body["data"][0]["data"]["object"]["last_payment_error"]["code"] == "card_declined");
  CHECK(s.get("/v1/events?type=charge.failed").body["data"].size() == 1);

  Reply c = s.form("/v1/customers", "email=old%40example.com&name=Jenny");
  const std::string cus = c.body["id"];
  s.form("/v1/customers/" + cus, "email=new%40example.com");
  Reply updated = s.get("/v1/events?type=customer.updated");
  REQUIRE(updated.body["data"].size() == 1);
  const Json& data = updated.body["data"][0]["data"];
  CHECK(data["object"]["email"] == "new@example.com");
  CHECK(data["previous_attributes"] == Json{{"email", "old@example.com"}});
  REQUIRE(s.del("/v1/customers/" + cus).status == 200);
  Reply deleted = s.get("/v1/events?type=customer.deleted");
  REQUIRE(deleted.body["data"].size() == 1);
  CHECK(deleted.body["data"][0]["data"]["object"]["email"] == "new@example.com");
}

TEST_CASE("events: type wildcards, types[], created ranges, cursors, and bad parameters") {
  Server s;
  paid_and_refunded(s);  // 4 events at kT0 (created, authorization), 3 at kT0 + 60
  CHECK(types_of(s.get("/v1/events?type=payment_intent.*")) ==
        std::vector<std::string>{"payment_intent.succeeded",
                                 "payment_intent.amount_capturable_updated",
                                 "payment_intent.created"});
  CHECK(types_of(s.get("/v1/events?types[]=refund.created&types[]=charge.succeeded")) ==
        std::vector<std::string>{"refund.created", "charge.succeeded"});
  CHECK(types_of(s.get("/v1/events?types[0]=charge.*")).size() == 3);
  CHECK(s.get("/v1/events?created[gte]=" + std::to_string(kT0 + 60)).body["data"].size() == 4);
  CHECK(s.get("/v1/events?created[lt]=" + std::to_string(kT0 + 60)).body["data"].size() == 3);
  CHECK(s.get("/v1/events?created=" + std::to_string(kT0)).body["data"].size() == 3);
  CHECK(s.get("/v1/events?created[gt]=" + std::to_string(kT0 + 60)).body["data"].empty());
  // Pages of two, forward then back.
  Reply first = s.get("/v1/events?limit=2");
  CHECK(first.body["has_more"] == true);
  const std::string last_id = first.body["data"][1]["id"];
  Reply second = s.get("/v1/events?limit=2&starting_after=" + last_id);
  CHECK(types_of(second) ==
        std::vector<std::string>{"payment_intent.succeeded", "charge.captured"});
  Reply back =
      s.get("/v1/events?limit=2&ending_before=" + std::string(second.body["data"][0]["id"]));
  CHECK(back.body["data"] == first.body["data"]);
  check_error(s.get("/v1/events?type=Payment_Intent"), 400, "type");
  check_error(s.get("/v1/events?type=payment_intent.*&types[]=charge.succeeded"), 400, "types");
  check_error(s.get("/v1/events?created[gte]=yesterday"), 400, "created[gte]");
  check_error(s.get("/v1/events?colour=blue"), 400, "colour");
  check_error(s.get("/v1/events?starting_after=evt_00000000000"), 400, "starting_after");
  check_error(s.get("/v1/events/evt_00000000000"), 404, "id");
  check_error(s.get("/v1/events/pi_123"), 404, "id");
}
