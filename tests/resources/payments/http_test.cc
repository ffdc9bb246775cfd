// Direct API payments over HTTP against a real server (seed 002): every field, every rejection
// naming its parameter, idempotency, processing, 3-D Secure pages, cancel, refunds, transport.
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>

#include <atomic>
#include <regex>
#include <thread>

#include "tests/support/test_server.h"

using namespace payledger;
using namespace payledger::testing;

namespace {

constexpr std::string_view kBack = "https://shop.example/back";

Json card_of(const std::string& number, const std::string& cvc = "314") {
  return Json{{"number", number},
              {"exp_month", 12},
              {"exp_year", 2027},
              {"cvc", cvc},
              {"holder_name", "Jenny Rosen"}};
}

Json payment_body(const std::string& number = "4111111111111111") {
  return Json{{"amount", 4999},
              {"currency", "eur"},
              {"card", card_of(number)},
              {"customer",
               {{"email", "jenny@example.com"},
                {"first_name", "Jenny"},
                {"last_name", "Rosen"},
                {"country", "DE"},
                {"phone", "+491701234567"},
                {"address", "Kurfuerstendamm 21"},
                {"city", "Berlin"},
                {"zip", "10719"}}},
              {"description", "Order #1234"},
              {"metadata", {{"order_id", "ord_1234"}, {"sku", "WIDGET-XL"}}}};
}

// Creates a payment and lets the test network decide it.
Json processed(Server& s, Json body) {
  Reply r = s.post("/v1/payments", body);
  REQUIRE_MESSAGE(r.status == 200, r.raw);
  CHECK(r.body["status"] == "pending");
  s.sweep();
  Reply got = s.get("/v1/payments/" + r.body["id"].get<std::string>());
  REQUIRE(got.status == 200);
  return got.body;
}

std::string non_loopback_ipv4() {
  ifaddrs* all = nullptr;
  if (getifaddrs(&all) != 0) return "";
  std::string found;
  for (ifaddrs* i = all; i != nullptr && found.empty(); i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != AF_INET) continue;
    char text[INET_ADDRSTRLEN] = {};
    const auto* in = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    if (!std::string(text).starts_with("127.")) found = text;
  }
  freeifaddrs(all);
  return found;
}

// The query parameter `name` of a URL.
std::string query_param(const std::string& url, const std::string& name) {
  std::smatch m;
  if (!std::regex_search(url, m, std::regex("[?&]" + name + "=([^&]*)"))) return "";
  return m[1];
}

Reply post_page(const Server& s, const std::string& path, const std::string& form) {
  return s.send("POST", path, form, "application/x-www-form-urlencoded", {}, "");
}

}  // namespace

TEST_CASE("payments: the seed's object, every field present, decided asynchronously") {
  Server s;
  Reply r = s.post("/v1/payments", payment_body());
  REQUIRE(r.status == 200);
  const Json& p = r.body;
  CHECK(std::regex_match(p["id"].get<std::string>(),
                         std::regex("^pay_[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-"
                                    "[a-f0-9]{12}$")));
  CHECK(p["object"] == "payment");
  CHECK(p["amount"] == 4999);
  CHECK(p["currency"] == "eur");
  CHECK(p["status"] == "pending");
  CHECK(p["description"] == "Order #1234");
  CHECK(p["card"]["brand"] == "visa");
  CHECK(p["card"]["last4"] == "1111");
  CHECK(p["card"]["exp_month"] == 12);
  CHECK(p["card"]["exp_year"] == 2027);
  CHECK(p["card"]["country"] == "US");
  CHECK(p["card"]["fingerprint"].get<std::string>().size() == 32);
  CHECK_FALSE(p["card"].contains("number"));
  CHECK_FALSE(p["card"].contains("cvc"));
  CHECK(p["customer"] == Json{{"email", "jenny@example.com"}, {"name", "Jenny Rosen"}});
  CHECK(p["metadata"] == Json{{"order_id", "ord_1234"}, {"sku", "WIDGET-XL"}});
  for (const char* null_field :
       {"decline_code", "decline_message", "redirect_url", "refunded_at", "succeeded_at",
        "failed_at", "next_action", "provider_transaction_id"}) {
    CAPTURE(null_field);
    REQUIRE(p.contains(null_field));
    CHECK(p[null_field].is_null());
  }
  CHECK(p["created"] == kT0);
  CHECK(p["livemode"] == false);
  CHECK(p["refunded_amount"] == 0);
  CHECK(p["refunds"] == Json::array());
  CHECK(r.raw.find("4111111111111111") == std::string::npos);

  CHECK(s.sweep() == 1);
  Reply got = s.get("/v1/payments/" + p["id"].get<std::string>());
  CHECK(got.body["status"] == "succeeded");
  CHECK(got.body["succeeded_at"] == kT0);
  CHECK(std::regex_match(got.body["provider_transaction_id"].get<std::string>(),
                         std::regex("^[1-9][0-9]{9}$")));
  CHECK(s.sweep() == 0);  // exactly once
  // The same card gives the same fingerprint; another card another.
  Reply same = s.post("/v1/payments", payment_body());
  Reply other = s.post("/v1/payments", payment_body("4242424242424242"));
  CHECK(same.body["card"]["fingerprint"] == p["card"]["fingerprint"]);
  CHECK(other.body["card"]["fingerprint"] != p["card"]["fingerprint"]);
  // Form bodies, as Stripe's libraries send them, work the same.
  Reply form = s.form("/v1/payments",
                      "amount=100&currency=gbp&card[number]=5555555555554444&card[exp_month]=1&"
                      "card[exp_year]=2030&card[cvc]=123");
  CHECK(form.status == 200);
  CHECK(form.body["card"]["brand"] == "mastercard");
  CHECK(form.body["customer"].is_null());
}

TEST_CASE("payments: every rejection is a 400 naming the parameter, and writes nothing") {
  Server s;
  struct Row {
    std::string param;
    std::function<void(Json&)> change;
  };
  const std::vector<Row> rows = {
      {"amount", [](Json& b) { b.erase("amount"); }},
      {"amount", [](Json& b) { b["amount"] = 0; }},
      {"amount", [](Json& b) { b["amount"] = "ten"; }},
      {"currency", [](Json& b) { b["currency"] = "jpy"; }},
      {"currency", [](Json& b) { b.erase("currency"); }},
      {"card", [](Json& b) { b.erase("card"); }},
      {"card[number]", [](Json& b) { b["card"].erase("number"); }},
      {"card[number]", [](Json& b) { b["card"]["number"] = "4111111111111112"; }},
      {"card[number]", [](Json& b) { b["card"]["number"] = "4111 1111 1111 1111"; }},
      {"card[number]", [](Json& b) { b["card"]["number"] = "41111"; }},
      {"card[exp_month]", [](Json& b) { b["card"]["exp_month"] = 13; }},
      {"card[exp_month]", [](Json& b) { b["card"].erase("exp_month"); }},
      {"card[exp_year]", [](Json& b) { b["card"]["exp_year"] = 2019; }},
      {"card[exp_year]", [](Json& b) { b["card"]["exp_year"] = 2024; }},  // expired
      {"card[exp_month]",
       [](Json& b) {
         b["card"]["exp_year"] = 2025;  // kT0 is March 2025
         b["card"]["exp_month"] = 2;
       }},
      {"card[cvc]", [](Json& b) { b["card"]["cvc"] = "31"; }},
      {"card[cvc]", [](Json& b) { b["card"]["cvc"] = "31a"; }},
      {"card[cvc]", [](Json& b) { b["card"].erase("cvc"); }},
      {"card[holder_name]", [](Json& b) { b["card"]["holder_name"] = std::string(201, 'x'); }},
      {"card[brand]", [](Json& b) { b["card"]["brand"] = "visa"; }},  // unknown parameter
      {"description", [](Json& b) { b["description"] = std::string(501, 'x'); }},
      {"metadata",
       [](Json& b) {
         for (int i = 0; i < 51; ++i) b["metadata"]["k" + std::to_string(i)] = "v";
       }},
      {"metadata[" + std::string(41, 'k') + "]",
       [](Json& b) { b["metadata"][std::string(41, 'k')] = "v"; }},
      {"metadata[order_id]", [](Json& b) { b["metadata"]["order_id"] = std::string(501, 'v'); }},
      {"return_url", [](Json& b) { b["return_url"] = "http://shop.example/back"; }},
      {"return_url", [](Json& b) { b["return_url"] = "ftp://localhost/back"; }},
      {"return_url", [](Json& b) { b["return_url"] = "http://localhost:80@evil.example/"; }},
      {"return_url", [](Json& b) { b["return_url"] = "http://localhost.evil.example/"; }},
      {"return_url", [](Json& b) { b["return_url"] = "http://127.0.0.1:x/"; }},
      {"return_url", [](Json& b) { b["return_url"] = "https://shop.example/back#done"; }},
      {"return_url", [](Json& b) { b["return_url"] = "https://shop.example/\r\nSet-Cookie: x"; }},
      {"return_url", [](Json& b) { b["return_url"] = "https://user@/back"; }},
      {"card", [](Json& b) { b["card"] = "4111111111111111"; }},
      {"card[number]", [](Json& b) { b["card"] = Json::object(); }},
      {"return_url", [](Json& b) { b["card"]["number"] = "4000000000003220"; }},  // 3-D Secure
      {"customer[email]", [](Json& b) { b["customer"]["email"] = "jenny"; }},
      {"customer[email]", [](Json& b) { b["customer"]["email"] = "jenny@a@example.com"; }},
      {"customer[country]", [](Json& b) { b["customer"]["country"] = "DEU"; }},
  };
  const auto before = s.app().store().last_position();
  for (const Row& row : rows) {
    Json body = payment_body();
    row.change(body);
    Reply r = s.post("/v1/payments", body);
    CAPTURE(body.dump());
    check_error(r, 400, row.param);
    CHECK(r.raw.find("4111111111111111") == std::string::npos);
    CHECK(r.raw.find("4111111111111112") == std::string::npos);
  }
  // A card number sent where a parameter's name goes is never repeated by the error.
  for (const std::string& form :
       {std::string("amount=100&currency=eur&card[number]4111111111111111"),
        std::string("amount=100&currency=eur&4111111111111111=1"),
        std::string("amount=100&currency=eur&card[4111111111111111]=1")}) {
    Reply r = s.form("/v1/payments", form);
    CAPTURE(r.raw);
    CHECK(r.status == 400);
    CHECK(r.raw.find("4111111111111111") == std::string::npos);
    CHECK(r.raw.find("1111") != std::string::npos);  // masked, not dropped: last4 stays
  }
  CHECK(s.app().store().last_position() == before);
  // http to this machine is fine for development.
  Json local = payment_body("4000000000003220");
  local["return_url"] = "http://localhost:3000/done";
  CHECK(s.post("/v1/payments", local).status == 200);
  local["return_url"] = "http://127.0.0.1/done";
  CHECK(s.post("/v1/payments", local).status == 200);
  local["return_url"] = "http://[::1]:8443/done?x=1";
  CHECK(s.post("/v1/payments", local).status == 200);
}

TEST_CASE("payments: Idempotency-Key as the seed says") {
  Server s;
  const httplib::Headers key{{"Idempotency-Key", "order-1234"}};
  Reply first = s.post("/v1/payments", payment_body(), key);
  REQUIRE(first.status == 200);
  s.sweep();
  Reply again = s.post("/v1/payments", payment_body(), key);
  CHECK(again.status == 200);
  CHECK(again.raw == first.raw);  // the cached answer, not the payment as it is now
  CHECK(again.header("Idempotent-Replayed") == "true");
  Json other = payment_body();
  other["amount"] = 5000;
  check_error(s.post("/v1/payments", other, key), 400, "Idempotency-Key");
  // The same body with another card number is another request.
  check_error(s.post("/v1/payments", payment_body("4242424242424242"), key), 400,
              "Idempotency-Key");
  // Non-2xx answers are not cached: the key stays free for a corrected retry.
  const httplib::Headers key2{{"Idempotency-Key", "order-1235"}};
  Json bad = payment_body();
  bad["card"]["cvc"] = "1";
  check_error(s.post("/v1/payments", bad, key2), 400, "card[cvc]");
  CHECK(s.post("/v1/payments", payment_body(), key2).status == 200);
  check_error(s.post("/v1/payments", payment_body(), {{"Idempotency-Key", std::string(256, 'k')}}),
              400, "Idempotency-Key");
  CHECK(
      s.post("/v1/payments", payment_body(), {{"Idempotency-Key", std::string(255, 'k')}}).status ==
      200);
  // Keys live 24 hours.
  s.clock().advance(24 * 3600);
  Reply later = s.post("/v1/payments", payment_body(), key);
  CHECK(later.status == 200);
  CHECK(later.body["id"] != first.body["id"]);
}

TEST_CASE("payments: the test cards' outcomes, retrieve, and the list with status=") {
  Server s;
  const Json ok = processed(s, payment_body("4242424242424242"));
  CHECK(ok["status"] == "succeeded");
  const Json declined = processed(s, payment_body("4000000000009995"));
  CHECK(declined["status"] == "failed");
  CHECK(declined["decline_code"] == "insufficient_funds");
  CHECK(declined["decline_message"].is_string());
  CHECK(declined["failed_at"] == kT0);
  CHECK(declined["provider_transaction_id"].is_string());
  CHECK(processed(s, payment_body("4000000000000002"))["decline_code"] == "do_not_honor");
  CHECK(processed(s, payment_body("4000000000000069"))["decline_code"] == "expired_card");
  CHECK(processed(s, payment_body("4000000000009987"))["decline_code"] == "lost_card");
  CHECK(processed(s, payment_body("4000000000009979"))["decline_code"] == "stolen_card");
  CHECK(processed(s, payment_body("4000000000003105"))["decline_code"] ==
        "three_d_secure_not_supported");
  CHECK(processed(s, payment_body("4000000000003113"))["decline_code"] == "three_d_secure_error");
  Json amex = payment_body("378282246310005");
  amex["card"]["cvc"] = "1234";
  CHECK(processed(s, amex)["card"]["brand"] == "amex");

  Reply failed = s.get("/v1/payments?status=failed&limit=3");
  REQUIRE(failed.status == 200);
  CHECK(failed.body["object"] == "list");
  CHECK(failed.body["url"] == "/v1/payments");
  CHECK(failed.body["data"].size() == 3);
  CHECK(failed.body["has_more"] == true);
  for (const Json& p : failed.body["data"]) CHECK(p["status"] == "failed");
  Reply rest = s.get("/v1/payments?status=failed&limit=10&starting_after=" +
                     failed.body["next_cursor"].get<std::string>());
  CHECK(rest.body["data"].size() == 4);
  CHECK(rest.body["has_more"] == false);
  CHECK(rest.body["next_cursor"].is_null());
  Reply back = s.get("/v1/payments?status=failed&ending_before=" +
                     rest.body["data"][0]["id"].get<std::string>());
  CHECK(back.body["data"].size() == 3);
  CHECK(s.get("/v1/payments?status=succeeded").body["data"].size() == 2);
  check_error(s.get("/v1/payments?status=won"), 400, "status");
  check_error(s.get("/v1/payments?limit=0"), 400, "limit");
  check_error(s.get("/v1/payments/pay_00000000-0000-4000-8000-000000000000"), 404, "id");
  check_error(s.get("/v1/payments/pay_..%2Fx"), 404, "");  // no such route
  // Another merchant sees none of them.
  CHECK(s.get("/v1/payments", kKeyB).body["data"].empty());
  check_error(s.get("/v1/payments/" + ok["id"].get<std::string>(), kKeyB), 404, "id");
}

TEST_CASE("payments: 3-D Secure through the challenge page, completed or failed") {
  Server s;
  Json body = payment_body("4000000000003220");
  body["return_url"] = std::string(kBack) + "?order=1234";
  const Json p = processed(s, body);
  REQUIRE(p["status"] == "requires_action");
  CHECK(p["next_action"]["type"] == "redirect_to_url");
  const std::string url = p["next_action"]["redirect_url"];
  const std::string prefix = "http://127.0.0.1:" + std::to_string(s.port()) + "/pay/3ds/";
  REQUIRE(url.starts_with(prefix));
  CHECK(p["next_action"]["expires_at"] == kT0 + 900);
  const std::string id = p["id"];
  const std::string token = query_param(url, "token");
  REQUIRE(token.size() >= 20);
  const std::string path = url.substr(url.find("/pay/3ds/"));

  Reply page = s.send("GET", path, "", "", {}, "");
  CHECK(page.status == 200);
  CHECK(page.header("Content-Type").starts_with("text/html"));
  CHECK(page.header("Cache-Control") == "no-store");
  CHECK(page.raw.find("Test merchant") != std::string::npos);
  CHECK(page.raw.find("49.99 EUR") != std::string::npos);
  CHECK(page.raw.find("Visa •••• 3220") != std::string::npos);
  CHECK(page.raw.find("4000000000003220") == std::string::npos);
  CHECK(s.send("GET", "/pay/3ds/" + id + "?token=wrong", "", "", {}, "").status == 404);
  CHECK(s.send("GET", "/pay/3ds/" + id, "", "", {}, "").status == 404);
  CHECK(post_page(s, "/pay/3ds/" + id, "token=wrong&action=complete").status == 404);
  CHECK(s.get("/v1/payments/" + id).body["status"] == "requires_action");

  Reply done = post_page(s, "/pay/3ds/" + id, "token=" + token + "&action=complete");
  CHECK(done.status == 303);
  const std::string location = done.header("Location");
  CHECK(location.starts_with(std::string(kBack) + "?order=1234&payment_id=" + id));
  CHECK(query_param(location, "status") == "succeeded");
  Reply after = s.get("/v1/payments/" + id);
  CHECK(after.body["status"] == "succeeded");
  CHECK(after.body["next_action"].is_null());
  CHECK(after.body["three_d_secure"] == true);
  // A second click changes nothing and goes back the same way.
  Reply twice = post_page(s, "/pay/3ds/" + id, "token=" + token + "&action=fail");
  CHECK(query_param(twice.header("Location"), "status") == "succeeded");

  body["return_url"] = std::string(kBack);
  const Json f = processed(s, body);
  const std::string f_url = f["next_action"]["redirect_url"];
  Reply fail = post_page(s, "/pay/3ds/" + f["id"].get<std::string>(),
                         "token=" + query_param(f_url, "token") + "&action=fail");
  CHECK(query_param(fail.header("Location"), "status") == "failed");
  Reply failed = s.get("/v1/payments/" + f["id"].get<std::string>());
  CHECK(failed.body["decline_code"] == "three_d_secure_failed");

  // 4000008400001629 fails even when completed.
  Json always = payment_body("4000008400001629");
  always["return_url"] = std::string(kBack);
  const Json a = processed(s, always);
  Reply completed = post_page(
      s, "/pay/3ds/" + a["id"].get<std::string>(),
      "token=" + query_param(a["next_action"]["redirect_url"], "token") + "&action=complete");
  CHECK(query_param(completed.header("Location"), "status") == "failed");
}

TEST_CASE("payments: an unanswered challenge expires after the timeout (a setting)") {
  ServerConfig config;
  config.customer_action_timeout_seconds = 120;
  Server s(config);
  Json body = payment_body("4000002760003184");
  body["return_url"] = std::string(kBack);
  const Json p = processed(s, body);
  REQUIRE(p["status"] == "requires_action");
  CHECK(p["card"]["country"] == "DE");
  CHECK(p["next_action"]["expires_at"] == kT0 + 120);
  s.clock().advance(119);
  CHECK(s.sweep() == 0);
  s.clock().advance(1);
  CHECK(s.sweep() == 1);
  Reply r = s.get("/v1/payments/" + p["id"].get<std::string>());
  CHECK(r.body["status"] == "expired");
  CHECK(r.body["decline_code"] == "three_d_secure_timeout");
  CHECK(r.body["failed_at"] == kT0 + 120);
  // The page then has nothing to authenticate, and its POST sends the browser back as expired.
  const std::string url = p["next_action"]["redirect_url"];
  Reply late = post_page(s, url.substr(url.find("/pay/3ds/")),
                         "token=" + query_param(url, "token") + "&action=complete");
  CHECK(query_param(late.header("Location"), "status") == "expired");
}

TEST_CASE("payments: cancel while pending or requires_action only") {
  Server s;
  Reply p = s.post("/v1/payments", payment_body());
  const std::string id = p.body["id"];
  Reply c = s.post("/v1/payments/" + id + "/cancel", nullptr);
  CHECK(c.status == 200);
  CHECK(c.body["status"] == "canceled");
  CHECK(s.sweep() == 0);  // nothing left to process
  check_error(s.post("/v1/payments/" + id + "/cancel", nullptr), 400, "");
  const Json done = processed(s, payment_body());
  check_error(s.post("/v1/payments/" + done["id"].get<std::string>() + "/cancel", nullptr), 400,
              "");
  check_error(s.post("/v1/payments/pay_00000000-0000-4000-8000-000000000000/cancel", nullptr), 404,
              "id");
  check_error(s.post("/v1/payments/" + id + "/cancel", Json{{"reason", "x"}}), 400, "reason");
  // A payment waiting on its 3-D Secure challenge can be canceled too; its page then has
  // nothing to authenticate.
  Json body = payment_body("4000000000003220");
  body["return_url"] = std::string(kBack);
  const Json waiting = processed(s, body);
  REQUIRE(waiting["status"] == "requires_action");
  Reply canceled = s.post("/v1/payments/" + waiting["id"].get<std::string>() + "/cancel", nullptr);
  CHECK(canceled.body["status"] == "canceled");
  CHECK(canceled.body["next_action"].is_null());
  const std::string url = waiting["next_action"]["redirect_url"];
  Reply page = s.send("GET", url.substr(url.find("/pay/3ds/")), "", "", {}, "");
  CHECK(page.status == 200);
  CHECK(page.raw.find("This payment is canceled") != std::string::npos);
  CHECK(s.sweep() == 0);  // no expiry is left to run
}

TEST_CASE("payments: Bearer works as Basic does; no key is a 401") {
  Server s;
  Reply r = s.send("POST", "/v1/payments", payment_body().dump(), "application/json",
                   {{"Authorization", "Bearer " + kKeyA}}, "");
  CHECK(r.status == 200);
  check_error(s.send("POST", "/v1/payments", payment_body().dump(), "application/json", {}, ""),
              401, "");
  check_error(s.send("GET", "/v1/payments", "", "", {{"Authorization", "Bearer sk_test_nope"}}, ""),
              401, "");
}

TEST_CASE("payments: refunds start pending, settle, count when succeeded, never exceed") {
  Server s;
  const Json p = processed(s, payment_body());
  const std::string id = p["id"];
  const std::string refund = "/v1/payments/" + id + "/refund";
  Reply r1 = s.post(refund, Json{{"amount", 999}, {"reason", "requested_by_customer"}});
  REQUIRE(r1.status == 200);
  CHECK(r1.body["refunds"].size() == 1);
  const Json& re = r1.body["refunds"][0];
  CHECK(std::regex_match(re["id"].get<std::string>(), std::regex("^ref_[a-f0-9-]{36}$")));
  CHECK(re["status"] == "pending");
  CHECK(re["amount"] == 999);
  CHECK(re["reason"] == "requested_by_customer");
  CHECK(r1.body["refunded_amount"] == 0);
  check_error(s.post(refund, Json{{"amount", 4001}}), 400, "amount");
  check_error(s.post(refund, Json{{"amount", 0}}), 400, "amount");
  check_error(s.post(refund, Json{{"amount", "x"}}), 400, "amount");
  CHECK(s.sweep() == 1);
  Reply settled = s.get("/v1/payments/" + id);
  CHECK(settled.body["refunds"][0]["status"] == "succeeded");
  CHECK(settled.body["refunds"][0]["succeeded_at"] == kT0);
  CHECK(settled.body["refunded_amount"] == 999);
  CHECK(settled.body["refunded_at"].is_null());
  s.clock().advance(60);
  Reply rest = s.post(refund, nullptr);  // the rest
  CHECK(rest.body["refunds"][1]["amount"] == 4000);
  check_error(s.post(refund, Json{{"amount", 1}}), 400, "");
  s.sweep();
  Reply full = s.get("/v1/payments/" + id);
  CHECK(full.body["refunded_amount"] == 4999);
  CHECK(full.body["refunded_at"] == kT0 + 60);
  CHECK(full.body["status"] == "succeeded");

  const Json pending_payment = s.post("/v1/payments", payment_body()).body;
  check_error(
      s.post("/v1/payments/" + pending_payment["id"].get<std::string>() + "/refund", nullptr), 400,
      "");
  check_error(s.post("/v1/payments/pay_00000000-0000-4000-8000-000000000000/refund", nullptr), 404,
              "id");
}

TEST_CASE("payments: refunds of 4000000000005126 fail and do not count") {
  Server s;
  const Json p = processed(s, payment_body("4000000000005126"));
  const std::string id = p["id"];
  CHECK(s.post("/v1/payments/" + id + "/refund", nullptr).status == 200);
  s.sweep();
  Reply r = s.get("/v1/payments/" + id);
  CHECK(r.body["refunds"][0]["status"] == "failed");
  CHECK(r.body["refunds"][0]["failure_code"] == "refund_declined");
  CHECK(r.body["refunded_amount"] == 0);
  CHECK(s.post("/v1/payments/" + id + "/refund", nullptr).status == 200);  // may be tried again
}

TEST_CASE("payments: concurrent refunds never add up to more than the amount") {
  Server s;
  const Json p = processed(s, payment_body());  // 4999
  const std::string refund = "/v1/payments/" + p["id"].get<std::string>() + "/refund";
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (s.post(refund, Json{{"amount", 1000}}).status == 200) ++accepted;
    });
  }
  for (auto& t : threads) t.join();
  CHECK(accepted == 4);
  s.sweep();
  Reply r = s.get("/v1/payments/" + p["id"].get<std::string>());
  CHECK(r.body["refunds"].size() == 4);
  CHECK(r.body["refunded_amount"] == 4000);
}

TEST_CASE("payments: card data over plain HTTP is refused from another machine") {
  const std::string address = non_loopback_ipv4();
  if (address.empty()) {
    MESSAGE("no non-loopback IPv4 address here: skipped");
    return;
  }
  ServerConfig config;
  config.bind_host = "0.0.0.0";
  Server s(config);
  s.connect_via(address);
  const auto before = s.app().store().last_position();
  Reply r = s.post("/v1/payments", payment_body());
  check_error(r, 403, "card");
  CHECK(r.body["error"]["code"] == "tls_required");
  check_error(s.form("/v1/payments",
                     "amount=100&currency=eur&card[number]=4111111111111111&card[exp_month]=1&"
                     "card[exp_year]=2031&card[cvc]=123"),
              403, "card");
  CHECK(s.app().store().last_position() == before);
  // Refused before the Idempotency-Key is looked at: a key first used from this machine does not
  // make a plain-HTTP retry from elsewhere acceptable.
  const httplib::Headers key{{"Idempotency-Key", "tls-1"}};
  s.connect_via("127.0.0.1");
  REQUIRE(s.post("/v1/payments", payment_body(), key).status == 200);
  s.connect_via(address);
  check_error(s.post("/v1/payments", payment_body(), key), 403, "card");
  // Requests without card data are served as usual.
  CHECK(s.get("/v1/payments").status == 200);
  s.connect_via("127.0.0.1");
  CHECK(s.post("/v1/payments", payment_body()).status == 200);
}

TEST_CASE("payments: over HTTPS (--tls-cert/--tls-key) card data is taken from anywhere") {
  TempDir dir;
  const std::string cert = dir.path() + "/cert.pem";
  const std::string key = dir.path() + "/key.pem";
  const std::string cmd =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=payledger "
      "-keyout " +
      key + " -out " + cert + " >/dev/null 2>&1";
  REQUIRE(std::system(cmd.c_str()) == 0);
  ServerConfig config;
  config.bind_host = "0.0.0.0";
  config.tls_cert_path = cert;
  config.tls_key_path = key;
  Server s(config);
  const std::string address = non_loopback_ipv4();
  if (!address.empty()) s.connect_via(address);
  Json body = payment_body("4000000000003220");
  body["return_url"] = std::string(kBack);
  Reply r = s.post("/v1/payments", body);
  REQUIRE_MESSAGE(r.status == 200, r.raw);
  s.sweep();
  Reply got = s.get("/v1/payments/" + r.body["id"].get<std::string>());
  // URLs handed to browsers keep the scheme the request came with.
  CHECK(got.body["next_action"]["redirect_url"].get<std::string>().starts_with("https://"));
}
