// Test clocks over HTTP against a real server: the object, its errors, a customer on a clock,
// and what lives on it (a PaymentIntent's authorization, a Checkout Session) expiring when the
// clock is advanced, not when the system's time passes.
#include "tests/support/test_server.h"

using namespace payledger;
using namespace payledger::testing;

namespace {

constexpr std::int64_t kDay = 86400;
const std::string kClocks = "/v1/test_helpers/test_clocks";

// Sweeps until the clock reports ready: the server under test runs no sweeper thread, and a
// sweep that ran work on the clock leaves the clock's own step for the next sweep.
Json sweep_until_ready(Server& s, const std::string& clock) {
  Json shown;
  for (int i = 0; i < 5; ++i) {
    s.sweep();
    shown = s.get(kClocks + "/" + clock).body;
    if (shown["status"] == "ready") return shown;
  }
  FAIL("the clock stays " << shown.dump());
  return shown;
}

Json advance(Server& s, const std::string& clock, std::int64_t to) {
  Reply r = s.post(kClocks + "/" + clock + "/advance", {{"frozen_time", to}});
  REQUIRE_MESSAGE(r.status == 200, r.raw);
  CHECK(r.body["status"] == "advancing");
  CHECK(r.body["status_details"]["advancing"]["target_frozen_time"] == to);
  return sweep_until_ready(s, clock);
}

std::string authorized_intent(Server& s, const std::string& customer) {
  Json body{{"amount", 2000},
            {"currency", "usd"},
            {"capture_method", "manual"},
            {"payment_method", "pm_card_visa"},
            {"confirm", true}};
  if (!customer.empty()) body["customer"] = customer;
  Reply r = s.post("/v1/payment_intents", body);
  REQUIRE_MESSAGE(r.status == 200, r.raw);
  CHECK(r.body["status"] == "requires_capture");
  return r.body["id"];
}

std::string status_of(Server& s, const std::string& path) {
  return s.get(path).body["status"];
}

}  // namespace

TEST_CASE("test clocks: create, retrieve, list, advance forward only, delete") {
  Server s;
  const std::int64_t frozen = kT0 - kDay;
  Reply made = s.post(kClocks, {{"frozen_time", frozen}, {"name", "Seven days later"}});
  REQUIRE_MESSAGE(made.status == 200, made.raw);
  const Json& c = made.body;
  const std::string id = c["id"];
  CHECK(id.starts_with("clock_"));
  CHECK(c["object"] == "test_helpers.test_clock");
  CHECK(c["frozen_time"] == frozen);
  CHECK(c["created"] == kT0);
  CHECK(c["deletes_after"] == kT0 + 30 * kDay);
  CHECK(c["name"] == "Seven days later");
  CHECK(c["status"] == "ready");
  CHECK(c["status_details"] == Json::object());
  CHECK(c["livemode"] == false);
  CHECK(s.get(kClocks + "/" + id).body == c);
  // Another merchant does not see it.
  CHECK(s.get(kClocks + "/" + id, kKeyB).status == 404);

  check_error(s.post(kClocks, {{"name", "no time"}}), 400, "frozen_time");
  check_error(s.post(kClocks, {{"frozen_time", "soon"}}), 400, "frozen_time");
  check_error(s.post(kClocks, {{"frozen_time", -1}}), 400, "frozen_time");
  check_error(s.post(kClocks, {{"frozen_time", 253402300800LL}}), 400, "frozen_time");
  check_error(s.post(kClocks, {{"frozen_time", frozen}, {"colour", "red"}}), 400, "colour");

  check_error(s.post(kClocks + "/" + id + "/advance", {{"frozen_time", frozen}}), 400,
              "frozen_time");
  check_error(s.post(kClocks + "/" + id + "/advance", {{"frozen_time", frozen - 1}}), 400,
              "frozen_time");
  check_error(s.post(kClocks + "/" + id + "/advance", Json::object()), 400, "frozen_time");
  check_error(s.post(kClocks + "/clock_nope/advance", {{"frozen_time", frozen + 1}}), 404, "id");

  // One advance at a time: a second waits until the first is ready.
  Reply first = s.post(kClocks + "/" + id + "/advance", {{"frozen_time", frozen + kDay}});
  REQUIRE(first.status == 200);
  CHECK(first.body["frozen_time"] == frozen);
  check_error(s.post(kClocks + "/" + id + "/advance", {{"frozen_time", frozen + 2 * kDay}}), 400,
              "");
  const Json ready = sweep_until_ready(s, id);
  CHECK(ready["frozen_time"] == frozen + kDay);
  CHECK(ready["status_details"] == Json::object());

  Reply list = s.get(kClocks + "?limit=10");
  REQUIRE(list.status == 200);
  REQUIRE(list.body["data"].size() == 1);
  CHECK(list.body["data"][0]["id"] == id);
  Reply events = s.get("/v1/events?type=test_helpers.test_clock.*");
  REQUIRE(events.status == 200);
  REQUIRE(events.body["data"].size() == 3);  // newest first
  CHECK(events.body["data"][0]["type"] == "test_helpers.test_clock.ready");
  CHECK(events.body["data"][1]["type"] == "test_helpers.test_clock.advancing");
  CHECK(events.body["data"][2]["type"] == "test_helpers.test_clock.created");

  Reply gone = s.del(kClocks + "/" + id);
  REQUIRE(gone.status == 200);
  CHECK(gone.body == Json{{"id", id}, {"object", "test_helpers.test_clock"}, {"deleted", true}});
  CHECK(s.get(kClocks + "/" + id).body["deleted"] == true);
  CHECK(s.get(kClocks).body["data"].empty());
  check_error(s.post(kClocks + "/" + id + "/advance", {{"frozen_time", frozen + 3 * kDay}}), 404,
              "id");
  check_error(s.del(kClocks + "/" + id), 404, "id");
}

TEST_CASE("test clocks: a customer's authorization and session expire by advancing the clock") {
  Server s;
  // The clock starts 400 days ahead of the system: work due on it is never due by the system's
  // time (were it kept in the system's due index, no advance of the clock would run it), and a
  // session's expires_at an hour after the clock's time is valid only by the clock's.
  const std::int64_t frozen = kT0 + 400 * kDay;
  const std::string clock = s.post(kClocks, {{"frozen_time", frozen}}).body["id"];

  check_error(s.post("/v1/customers", {{"test_clock", "clock_nope"}}), 400, "test_clock");
  Reply customer = s.post("/v1/customers", {{"email", "jenny@example.com"}, {"test_clock", clock}});
  REQUIRE_MESSAGE(customer.status == 200, customer.raw);
  CHECK(customer.body["test_clock"] == clock);
  CHECK(customer.body["created"] == frozen);
  const std::string cus = customer.body["id"];
  CHECK(s.post("/v1/customers", Json::object()).body["test_clock"].is_null());

  // Its intent lives on the clock; another merchant-wide intent on the system's time.
  const std::string on_clock = authorized_intent(s, cus);
  const std::string on_system = authorized_intent(s, "");
  const Json pi = s.get("/v1/payment_intents/" + on_clock).body;
  CHECK(pi["created"] == frozen);
  CHECK(s.get("/v1/payment_intents/" + on_system).body["created"] == kT0);

  // A session for the customer expires an hour after the clock's time: more than a year ahead of
  // the system's, valid because it is the clock's.
  Reply product = s.post("/v1/products", {{"name", "Desk Lamp"}});
  Reply price = s.post(
      "/v1/prices", {{"currency", "usd"}, {"unit_amount", 2500}, {"product", product.body["id"]}});
  REQUIRE(price.status == 200);
  Json session_body{{"mode", "payment"},
                    {"customer", cus},
                    {"expires_at", frozen + 3600},
                    {"line_items", Json::array({{{"price", price.body["id"]}, {"quantity", 1}}})},
                    {"success_url", "https://yourstore.com/success"}};
  Reply session = s.post("/v1/checkout/sessions", session_body);
  REQUIRE_MESSAGE(session.status == 200, session.raw);
  CHECK(session.body["created"] == frozen);
  const std::string cs = session.body["id"];
  const std::string cs_intent = session.body["payment_intent"];
  CHECK(s.get("/v1/payment_intents/" + cs_intent).body["created"] == frozen);

  // The system's time passing eight days expires only the system's authorization.
  s.clock().advance(8 * kDay);
  s.sweep();
  CHECK(status_of(s, "/v1/payment_intents/" + on_system) == "canceled");
  CHECK(status_of(s, "/v1/payment_intents/" + on_clock) == "requires_capture");
  CHECK(status_of(s, "/v1/checkout/sessions/" + cs) == "open");

  // Two hours on the clock: the session expires (and its intent is canceled), not the rest.
  const Json two_hours = advance(s, clock, frozen + 7200);
  CHECK(two_hours["frozen_time"] == frozen + 7200);
  const Json expired = s.get("/v1/checkout/sessions/" + cs).body;
  CHECK(expired["status"] == "expired");
  CHECK(status_of(s, "/v1/payment_intents/" + cs_intent) == "canceled");
  CHECK(s.get("/v1/payment_intents/" + cs_intent).body["canceled_at"] == frozen + 7200);
  CHECK(status_of(s, "/v1/payment_intents/" + on_clock) == "requires_capture");

  // Capturing now is still allowed (six days left on the clock); a second authorization,
  // created later on the clock, is left alone by the next advance.
  const std::string later = authorized_intent(s, cus);
  CHECK(s.get("/v1/payment_intents/" + later).body["created"] == frozen + 7200);

  // Seven days after the authorization, on the clock: it expires, at the clock's time.
  const std::int64_t week = frozen + 7 * kDay;
  advance(s, clock, week);
  const Json gone = s.get("/v1/payment_intents/" + on_clock).body;
  CHECK(gone["status"] == "canceled");
  CHECK(gone["cancellation_reason"] == "automatic");
  CHECK(gone["canceled_at"] == week);
  CHECK(status_of(s, "/v1/payment_intents/" + later) == "requires_capture");
  Reply capture = s.post("/v1/payment_intents/" + later + "/capture", Json::object());
  REQUIRE_MESSAGE(capture.status == 200, capture.raw);
  CHECK(capture.body["status"] == "succeeded");
  CHECK(capture.body["charges"]["data"][0]["created"] == frozen + 7200);

  // Balance transactions of the clock's money carry the clock's time.
  Reply txns = s.get("/v1/balance_transactions?limit=1");
  REQUIRE(txns.status == 200);
  REQUIRE(txns.body["data"].size() == 1);
  CHECK(txns.body["data"][0]["created"] == week);
}

TEST_CASE("test clocks: an Idempotency-Key keeps its answer 24 hours of the system's time") {
  Server s;
  // The clock stands days back: the stored answer's age is still the system's time (a clock's
  // time would make the record expired when written, and a retry would make a second customer).
  const std::int64_t frozen = kT0 - 3 * kDay;
  const std::string clock = s.post(kClocks, {{"frozen_time", frozen}}).body["id"];
  const httplib::Headers key{{"Idempotency-Key", "clock-customer-1"}};
  Reply first = s.post("/v1/customers", {{"test_clock", clock}}, key);
  REQUIRE_MESSAGE(first.status == 200, first.raw);
  CHECK(first.body["created"] == frozen);
  Reply again = s.post("/v1/customers", {{"test_clock", clock}}, key);
  CHECK(again.status == 200);
  CHECK(again.body["id"] == first.body["id"]);
  CHECK(s.get("/v1/customers?limit=100").body["data"].size() == 1);
  s.clock().advance(23 * 3600);
  CHECK(s.post("/v1/customers", {{"test_clock", clock}}, key).body["id"] == first.body["id"]);
}
