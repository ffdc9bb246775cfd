// Checkout Sessions and Orders over HTTP against a real server (seed 004): every seed example,
// each rule naming its parameter, line items, expand, lists, expiry, and completion through the
// customer's own calls (custom UI), the hosted page's form and 3-D Secure.
#include <regex>

#include "tests/support/test_server.h"

using namespace payledger;
using namespace payledger::testing;

namespace {

struct Catalog {
  std::string desk, lamp, poster;  // prices: usd 49,900 (shippable), usd 2,500, eur 1,000
  std::string desk_product;
};

Catalog make_catalog(Server& s) {
  Catalog c;
  Reply desk = s.post("/v1/products", {{"name", "Ergonomic Standing Desk"}, {"shippable", true}});
  REQUIRE(desk.status == 200);
  c.desk_product = desk.body["id"];
  Reply lamp = s.post("/v1/products", {{"name", "Desk Lamp"}});
  Reply poster = s.post("/v1/products", {{"name", "Poster"}});
  auto price = [&](const Reply& product, const std::string& currency, int amount) {
    Reply p =
        s.post("/v1/prices",
               {{"currency", currency}, {"unit_amount", amount}, {"product", product.body["id"]}});
    REQUIRE_MESSAGE(p.status == 200, p.raw);
    return p.body["id"].get<std::string>();
  };
  c.desk = price(desk, "usd", 49900);
  c.lamp = price(lamp, "usd", 2500);
  c.poster = price(poster, "eur", 1000);
  return c;
}

Json payment_session(const std::string& price, int quantity = 1) {
  return Json{{"mode", "payment"},
              {"line_items", Json::array({{{"price", price}, {"quantity", quantity}}})},
              {"success_url", "https://yourstore.com/success?session_id={CHECKOUT_SESSION_ID}"},
              {"cancel_url", "https://yourstore.com/cart"}};
}

std::string key_of(const std::string& url) {
  std::smatch m;
  REQUIRE(std::regex_search(url, m, std::regex("[?&]key=([^&]+)")));
  return m[1];
}

std::string path_of(const std::string& url) {
  const auto scheme = url.find("://");
  return url.substr(url.find('/', scheme + 3));
}

// The customer's own call (a custom UI): form-encoded, opened by the client_secret.
Reply confirm(const Server& s, const Json& session, const std::string& fields) {
  const std::string secret = session["client_secret"];
  return s.send("POST", "/v1/payment_pages/" + session["id"].get<std::string>() + "/confirm",
                "client_secret=" + secret + "&" + fields, "application/x-www-form-urlencoded", {},
                "");
}

const std::string kCard =
    "email=jenny%40example.com&name=Jenny+Rosen&card[number]=4242424242424242&card[exp_month]=12"
    "&card[exp_year]=2030&card[cvc]=123";
const std::string kAddress =
    "&shipping[name]=Jenny+Rosen&shipping[address][line1]=1+Main+St&shipping[address][city]="
    "Springfield&shipping[address][postal_code]=12345&shipping[address][country]=US";

Json custom_session(Server& s, Json body) {
  body["ui_mode"] = "custom";
  body.erase("success_url");
  body.erase("cancel_url");
  body["return_url"] = "https://yourstore.com/return?session_id={CHECKOUT_SESSION_ID}";
  Reply r = s.post("/v1/checkout/sessions", body);
  REQUIRE_MESSAGE(r.status == 200, r.raw);
  return r.body;
}

}  // namespace

TEST_CASE("checkout: seed 004's payment-mode session, its PaymentIntent and line items") {
  Server s;
  const Catalog c = make_catalog(s);
  Reply r = s.post("/v1/checkout/sessions", payment_session(c.desk, 2),
                   {{"Idempotency-Key", "cs-seed-1"}});
  REQUIRE_MESSAGE(r.status == 200, r.raw);
  const Json& cs = r.body;
  const std::string id = cs["id"];
  CHECK(id.starts_with("cs_"));
  CHECK(cs["object"] == "checkout.session");
  CHECK(cs["mode"] == "payment");
  CHECK(cs["ui_mode"] == "hosted");
  CHECK(cs["status"] == "open");
  CHECK(cs["payment_status"] == "unpaid");
  CHECK(cs["amount_subtotal"] == 99800);
  CHECK(cs["amount_total"] == 99800);
  CHECK(cs["currency"] == "usd");
  CHECK(cs["client_secret"].is_null());
  CHECK(cs["expires_at"] == kT0 + 365 * 86400);
  CHECK(cs["livemode"] == false);
  // A product that ships turns address collection on by itself.
  CHECK(cs["shipping_address_collection"].is_object());
  const std::string url = cs["url"];
  CHECK(url.starts_with("http://127.0.0.1:" + std::to_string(s.port()) + "/checkout/" + id +
                        "?key="));
  // The same Idempotency-Key answers the same session.
  Reply again = s.post("/v1/checkout/sessions", payment_session(c.desk, 2),
                       {{"Idempotency-Key", "cs-seed-1"}});
  CHECK(again.body["id"] == id);

  Reply pi = s.get("/v1/payment_intents/" + cs["payment_intent"].get<std::string>());
  REQUIRE(pi.status == 200);
  CHECK(pi.body["amount"] == 99800);
  CHECK(pi.body["currency"] == "usd");
  CHECK(pi.body["status"] == "requires_payment_method");

  Reply items = s.get("/v1/checkout/sessions/" + id + "/line_items");
  REQUIRE_MESSAGE(items.status == 200, items.raw);
  CHECK(items.body["object"] == "list");
  CHECK(items.body["has_more"] == false);
  CHECK(items.body["next_cursor"].is_null());
  CHECK(items.body["url"] == "/v1/checkout/sessions/" + id + "/line_items");
  REQUIRE(items.body["data"].size() == 1);
  const Json& item = items.body["data"][0];
  CHECK(item["id"].get<std::string>().starts_with("csli_"));
  CHECK(item["object"] == "item");
  CHECK(item["price"] == c.desk);
  CHECK(item["quantity"] == 2);
  CHECK(item["amount_subtotal"] == 99800);
  CHECK(item["amount_total"] == 99800);
  CHECK(item["currency"] == "usd");
  CHECK(item["description"] == "Ergonomic Standing Desk");

  Reply expanded =
      s.get("/v1/checkout/sessions/" + id + "?expand[]=line_items&expand[]=payment_intent");
  REQUIRE(expanded.status == 200);
  CHECK(expanded.body["line_items"]["data"][0]["id"] == item["id"]);
  CHECK(expanded.body["payment_intent"]["object"] == "payment_intent");
  CHECK(s.get("/v1/checkout/sessions/" + id + "?expand[0]=payment_intent")
            .body["payment_intent"]["id"] == cs["payment_intent"]);
  check_error(s.get("/v1/checkout/sessions/" + id + "?expand[]=customer_details"), 400, "expand");
  check_error(s.get("/v1/checkout/sessions/cs_nope/line_items"), 404, "id");
  check_error(s.get("/v1/checkout/sessions/" + id + "/line_items", kKeyB), 404, "id");
}

TEST_CASE("checkout: order mode, bracket forms, price_data, embedded, shipping options") {
  Server s;
  const Catalog c = make_catalog(s);
  Reply customer = s.post("/v1/customers", {{"email", "ada@example.com"}, {"name", "Ada"}});
  const std::string cus = customer.body["id"];
  // Seed 004's order-mode example, as Stripe's libraries send it (a form with brackets).
  Reply order =
      s.form("/v1/checkout/sessions",
             "mode=order&line_items[0][price]=" + c.desk +
                 "&line_items[0][quantity]=1&line_items[1][price]=" + c.lamp +
                 "&line_items[1][quantity]=3&success_url=https%3A%2F%2Fyourstore.com%2F"
                 "order-confirmed&cancel_url=https%3A%2F%2Fyourstore.com%2Fcart&customer=" +
                 cus);
  REQUIRE_MESSAGE(order.status == 200, order.raw);
  CHECK(order.body["mode"] == "order");
  CHECK(order.body["customer"] == cus);
  CHECK(order.body["amount_total"] == 49900 + 3 * 2500);
  Reply listed = s.get("/v1/checkout/sessions?customer=" + cus);
  REQUIRE(listed.body["data"].size() == 1);

  // Inline price data: an existing product, or a new one from product_data.
  Reply inline_price = s.post(
      "/v1/checkout/sessions",
      {{"mode", "payment"},
       {"ui_mode", "embedded"},
       {"line_items",
        {{{"price_data", {{"currency", "usd"}, {"product", c.desk_product}, {"unit_amount", 2500}}},
          {"quantity", 1}},
         {{"price_data",
           {{"currency", "usd"}, {"product_data", {{"name", "Gift wrap"}}}, {"unit_amount", 300}}},
          {"quantity", 2}}}}});
  REQUIRE_MESSAGE(inline_price.status == 200, inline_price.raw);
  CHECK(inline_price.body["amount_total"] == 3100);
  CHECK(inline_price.body["url"].is_null());
  CHECK(inline_price.body["client_secret"].get<std::string>().starts_with(
      inline_price.body["id"].get<std::string>() + "_secret_"));
  Reply items = s.get("/v1/checkout/sessions/" + inline_price.body["id"].get<std::string>() +
                      "/line_items?limit=1");
  REQUIRE(items.body["data"].size() == 1);
  CHECK(items.body["has_more"] == true);
  const std::string inline_id = items.body["data"][0]["price"];
  Reply made = s.get("/v1/prices/" + inline_id);
  REQUIRE(made.status == 200);
  CHECK(made.body["active"] == false);  // inline prices are not for reuse
  Reply second =
      s.get("/v1/checkout/sessions/" + inline_price.body["id"].get<std::string>() +
            "/line_items?starting_after=" + items.body["data"][0]["id"].get<std::string>());
  REQUIRE(second.body["data"].size() == 1);
  CHECK(second.body["data"][0]["description"] == "Gift wrap");
  CHECK(second.body["has_more"] == false);

  // Shipping options: the first is the default, in the total.
  Json shipping = payment_session(c.lamp);
  shipping["mode"] = "order";
  shipping["shipping_options"] =
      Json::array({{{"name", "Standard Shipping"},
                    {"amount", 500},
                    {"currency", "usd"},
                    {"delivery_estimate",
                     {{"minimum", {{"unit", "business_day"}, {"value", 5}}},
                      {"maximum", {{"unit", "business_day"}, {"value", 7}}}}}},
                   {{"name", "Express Shipping"},
                    {"amount", 1500},
                    {"currency", "usd"},
                    {"delivery_estimate",
                     {{"minimum", {{"unit", "business_day"}, {"value", 1}}},
                      {"maximum", {{"unit", "business_day"}, {"value", 2}}}}}}});
  shipping["shipping_address_collection"] = {{"allowed_countries", {"US", "CA", "GB"}}};
  Reply shipped = s.post("/v1/checkout/sessions", shipping);
  REQUIRE_MESSAGE(shipped.status == 200, shipped.raw);
  CHECK(shipped.body["amount_subtotal"] == 2500);
  CHECK(shipped.body["amount_total"] == 3000);
  REQUIRE(shipped.body["shipping_options"].size() == 2);
  CHECK(shipped.body["shipping_options"][1]["shipping_amount"] == 1500);
  const Json& rate = shipped.body["shipping_options"][1]["shipping_rate"];
  CHECK(rate["id"].get<std::string>().starts_with("shr_"));
  CHECK(rate["display_name"] == "Express Shipping");
  CHECK(rate["delivery_estimate"]["maximum"]["value"] == 2);
  CHECK(shipped.body["shipping_address_collection"]["allowed_countries"] ==
        Json::array({"US", "CA", "GB"}));
}

TEST_CASE("checkout: each rule refuses naming its parameter, and writes nothing") {
  Server s;
  const Catalog c = make_catalog(s);
  const auto before = s.app().store().last_position();
  auto refused = [&](Json body, const std::string& param) {
    CAPTURE(body.dump());
    check_error(s.post("/v1/checkout/sessions", body), 400, param);
  };
  Json ok = payment_session(c.lamp);
  refused(Json{{"line_items", ok["line_items"]}, {"success_url", "https://a.example/s"}}, "mode");
  Json bad = ok;
  bad["mode"] = "subscription";
  refused(bad, "mode");
  bad = ok;
  bad["ui_mode"] = "popup";
  refused(bad, "ui_mode");
  bad = ok;
  bad.erase("line_items");
  refused(bad, "line_items");
  bad = ok;
  bad["line_items"].push_back({{"price", c.poster}, {"quantity", 1}});
  refused(bad, "line_items");  // usd and eur
  bad = ok;
  bad["line_items"][0]["price"] = "price_missing";
  refused(bad, "line_items[0][price]");
  bad = ok;
  bad["line_items"][0]["quantity"] = 0;
  refused(bad, "line_items[0][quantity]");
  bad = ok;
  bad["line_items"][0].erase("quantity");
  refused(bad, "line_items[0][quantity]");
  bad = ok;
  bad["line_items"] = Json::array();
  for (int i = 0; i < 101; ++i) bad["line_items"].push_back({{"price", c.lamp}, {"quantity", 1}});
  refused(bad, "line_items");
  bad = ok;
  bad.erase("success_url");
  refused(bad, "success_url");
  bad = ok;
  bad["success_url"] = "javascript:alert(1)";
  refused(bad, "success_url");
  bad = ok;
  bad["ui_mode"] = "embedded";
  refused(bad, "success_url");  // embedded sessions come back to return_url
  bad = ok;
  bad["return_url"] = "https://a.example/r";
  refused(bad, "return_url");
  bad = ok;
  bad["expires_at"] = kT0 + 29 * 60;
  refused(bad, "expires_at");
  bad["expires_at"] = kT0 + 366 * 86400;
  refused(bad, "expires_at");
  bad = ok;
  bad["customer"] = "cus_missing";
  refused(bad, "customer");
  bad = ok;
  bad["customer_email"] = "not-an-email";
  refused(bad, "customer_email");
  bad = ok;
  bad["customer_creation"] = "never";
  refused(bad, "customer_creation");
  bad = ok;
  bad["shipping_options"] = Json::array({{{"name", "Std"}, {"amount", 500}, {"currency", "eur"}}});
  refused(bad, "shipping_options");  // not the session's currency
  bad["shipping_options"][0]["currency"] = "usd";
  bad["shipping_options"][0]["amount"] = -1;
  refused(bad, "shipping_options[0][amount]");
  bad = ok;
  bad["shipping_address_collection"] = {{"allowed_countries", {"USA"}}};
  refused(bad, "shipping_address_collection[allowed_countries][0]");
  bad = ok;
  bad["payment_intent_data"] = {{"capture_method", "later"}};
  refused(bad, "payment_intent_data[capture_method]");
  bad = ok;
  bad["surprise"] = 1;
  refused(bad, "surprise");
  Reply inactive = s.post("/v1/prices/" + c.lamp, {{"active", false}});
  REQUIRE(inactive.status == 200);
  const auto after_update = s.app().store().last_position();
  refused(ok, "line_items[0][price]");
  CHECK(s.app().store().last_position() == after_update);
  CHECK(after_update.value == before.value + 1);  // only the price's update was written
}

TEST_CASE("checkout: expire by hand and at expires_at cancels the PaymentIntent") {
  Server s;
  const Catalog c = make_catalog(s);
  Reply a = s.post("/v1/checkout/sessions", payment_session(c.lamp));
  const std::string id = a.body["id"];
  Reply expired = s.post("/v1/checkout/sessions/" + id + "/expire", Json());
  REQUIRE_MESSAGE(expired.status == 200, expired.raw);
  CHECK(expired.body["status"] == "expired");
  CHECK(expired.body["url"].is_null());
  CHECK(
      s.get("/v1/payment_intents/" + a.body["payment_intent"].get<std::string>()).body["status"] ==
      "canceled");
  check_error(s.post("/v1/checkout/sessions/" + id + "/expire", Json()), 400, "");
  check_error(s.post("/v1/checkout/sessions/cs_nope/expire", Json()), 404, "id");

  Json timed = payment_session(c.lamp);
  timed["expires_at"] = kT0 + 3600;
  Reply b = s.post("/v1/checkout/sessions", timed);
  REQUIRE(b.status == 200);
  const std::string bid = b.body["id"];
  s.clock().advance(3599);
  s.sweep();
  CHECK(s.get("/v1/checkout/sessions/" + bid).body["status"] == "open");
  s.clock().advance(1);
  s.sweep();
  CHECK(s.get("/v1/checkout/sessions/" + bid).body["status"] == "expired");
  CHECK(
      s.get("/v1/payment_intents/" + b.body["payment_intent"].get<std::string>()).body["status"] ==
      "canceled");
  CHECK(s.get("/v1/checkout/sessions?status=expired").body["data"].size() == 2);
  CHECK(s.get("/v1/checkout/sessions?status=open").body["data"].empty());
  check_error(s.get("/v1/checkout/sessions?status=done"), 400, "status");
  // A customer who comes too late is told so.
  Json late = custom_session(s, payment_session(c.lamp));
  s.post("/v1/checkout/sessions/" + late["id"].get<std::string>() + "/expire", Json());
  check_error(confirm(s, late, kCard), 400, "");
}

TEST_CASE("checkout: a custom UI pays with its client_secret; declines leave it open") {
  Server s;
  const Catalog c = make_catalog(s);
  Json body = payment_session(c.lamp, 2);
  body["customer_email"] = "jane@example.com";
  body["customer_creation"] = "always";
  const Json cs = custom_session(s, body);
  const std::string id = cs["id"];

  // Only the session's secret opens it: not the merchant's key, not another session's.
  Reply wrong = s.send("POST", "/v1/payment_pages/" + id + "/confirm",
                       "client_secret=" + id + "_secret_nope&" + kCard,
                       "application/x-www-form-urlencoded", {}, "");
  CHECK(wrong.status == 404);
  Reply shown = s.send(
      "GET", "/v1/payment_pages/" + id + "?client_secret=" + cs["client_secret"].get<std::string>(),
      "", "", {}, "");
  REQUIRE_MESSAGE(shown.status == 200, shown.raw);
  CHECK(shown.body["amount_total"] == 5000);
  CHECK(shown.body["line_items"][0]["description"] == "Desk Lamp");
  CHECK_FALSE(shown.body.contains("metadata"));
  CHECK(shown.header("Access-Control-Allow-Origin") == "*");

  Reply declined =
      confirm(s, cs, std::regex_replace(kCard, std::regex("4242424242424242"), "4000000000009995"));
  CHECK(declined.status == 402);
  CHECK(declined.body["error"]["decline_code"] == "insufficient_funds");
  CHECK(declined.raw.find("4000000000009995") == std::string::npos);
  CHECK(s.get("/v1/checkout/sessions/" + id).body["status"] == "open");
  check_error(confirm(s, cs,
                      "email=jenny%40example.com&card[number]=4242424242424241"
                      "&card[exp_month]=12&card[exp_year]=2030&card[cvc]=123"),
              402, "card[number]");
  check_error(confirm(s, cs, "email=x&payment_method=pm_card_visa"), 400, "email");

  // Card data never rides in a URL; the session's intent is the session's to confirm.
  Reply in_url =
      s.send("POST", "/v1/payment_pages/" + id + "/confirm?card[number]=4242424242424242",
             "client_secret=" + cs["client_secret"].get<std::string>(),
             "application/x-www-form-urlencoded", {}, "");
  check_error(in_url, 400, "card");
  const std::string pi_path = "/v1/payment_intents/" + cs["payment_intent"].get<std::string>();
  check_error(s.post(pi_path + "/confirm", {{"payment_method", "pm_card_visa"}}), 400, "");
  check_error(s.post(pi_path + "/cancel", Json::object()), 400, "");
  check_error(s.post(pi_path, {{"amount", 1}}), 400, "");
  CHECK(s.post(pi_path, {{"description", "Shop order 7"}}).status == 200);

  Reply paid = confirm(s, cs, kCard);
  REQUIRE_MESSAGE(paid.status == 200, paid.raw);
  CHECK(paid.body["status"] == "complete");
  Reply done = s.get("/v1/checkout/sessions/" + id);
  CHECK(done.body["status"] == "complete");
  CHECK(done.body["payment_status"] == "paid");
  CHECK(done.body["customer_details"]["email"] == "jenny@example.com");
  CHECK(done.body["customer_details"]["name"] == "Jenny Rosen");
  const std::string customer = done.body["customer"];
  CHECK(customer.starts_with("cus_"));  // customer_creation=always
  CHECK(s.get("/v1/customers/" + customer).body["email"] == "jenny@example.com");
  Reply pi = s.get("/v1/payment_intents/" + cs["payment_intent"].get<std::string>());
  CHECK(pi.body["status"] == "succeeded");
  CHECK(pi.body["amount_received"] == 5000);
  CHECK(pi.body["customer"] == customer);
  check_error(confirm(s, cs, kCard), 400, "");  // paid once only
  CHECK(s.get("/v1/checkout/sessions?payment_intent=" + cs["payment_intent"].get<std::string>())
            .body["data"]
            .size() == 1);
}

TEST_CASE("checkout: order mode completes with an Order: lines, shipping, addresses") {
  Server s;
  const Catalog c = make_catalog(s);
  Json body = payment_session(c.desk);
  body["mode"] = "order";
  body["line_items"].push_back({{"price", c.lamp}, {"quantity", 3}});
  body["shipping_options"] =
      Json::array({{{"name", "Standard Shipping"}, {"amount", 500}, {"currency", "usd"}},
                   {{"name", "Express Shipping"}, {"amount", 1500}, {"currency", "usd"}}});
  body["shipping_address_collection"] = {{"allowed_countries", {"US", "CA"}}};
  body["payment_intent_data"] = {{"capture_method", "manual"},
                                 {"description", "Order #12345"},
                                 {"metadata", {{"internal_order_id", "12345"}}}};
  const Json cs = custom_session(s, body);
  const std::string express = cs["shipping_options"][1]["shipping_rate"]["id"];
  check_error(confirm(s, cs, kCard), 400, "shipping[address][line1]");
  check_error(confirm(s, cs, kCard + std::regex_replace(kAddress, std::regex("=US"), "=GB")), 400,
              "shipping[address][country]");
  check_error(confirm(s, cs, kCard + kAddress + "&shipping_rate=shr_nope"), 400, "shipping_rate");
  Reply paid = confirm(s, cs, kCard + kAddress + "&shipping_rate=" + express);
  REQUIRE_MESSAGE(paid.status == 200, paid.raw);

  Reply done = s.get("/v1/checkout/sessions/" + cs["id"].get<std::string>());
  CHECK(done.body["amount_total"] == 49900 + 7500 + 1500);
  CHECK(done.body["payment_status"] == "unpaid");  // authorized, to capture at shipping
  CHECK(done.body["shipping_cost"]["shipping_rate"] == express);
  CHECK(done.body["shipping_details"]["address"]["city"] == "Springfield");
  CHECK(done.body["customer"].is_null());  // a guest: customer_creation if_required
  const std::string order_id = done.body["order"];
  Reply order = s.get("/v1/orders/" + order_id);
  REQUIRE_MESSAGE(order.status == 200, order.raw);
  CHECK(order.body["object"] == "order");
  CHECK(order.body["amount_subtotal"] == 57400);
  CHECK(order.body["amount_total"] == 58900);
  CHECK(order.body["shipping_cost"]["amount_total"] == 1500);
  CHECK(order.body["shipping_cost"]["shipping_rate"]["display_name"] == "Express Shipping");
  CHECK(order.body["shipping_details"]["address"]["line1"] == "1 Main St");
  CHECK(order.body["billing_details"]["email"] == "jenny@example.com");
  CHECK(order.body["billing_details"]["address"]["country"] == "US");
  CHECK(order.body["line_items"].size() == 2);
  CHECK(order.body["checkout_session"] == cs["id"]);
  CHECK(order.body["payment_intent"] == cs["payment_intent"]);
  Reply pi = s.get("/v1/payment_intents/" + cs["payment_intent"].get<std::string>());
  CHECK(pi.body["status"] == "requires_capture");
  CHECK(pi.body["amount"] == 58900);  // the intent follows the shipping chosen
  CHECK(pi.body["amount_capturable"] == 58900);
  CHECK(pi.body["description"] == "Order #12345");
  CHECK(pi.body["metadata"]["internal_order_id"] == "12345");
  CHECK(s.get("/v1/orders?checkout_session=" + cs["id"].get<std::string>()).body["data"].size() ==
        1);
  check_error(s.get("/v1/orders/" + order_id, kKeyB), 404, "id");
}

TEST_CASE("checkout: the hosted page's form, 3-D Secure, and the success_url") {
  Server s;
  const Catalog c = make_catalog(s);
  Reply created = s.post("/v1/checkout/sessions", payment_session(c.lamp));
  const Json cs = created.body;
  const std::string id = cs["id"];
  const std::string page = path_of(cs["url"]);
  Reply shown = s.send("GET", page, "", "", {}, "");
  REQUIRE(shown.status == 200);
  CHECK(shown.header("Content-Type").starts_with("text/html"));
  CHECK(shown.header("X-Frame-Options") == "DENY");
  CHECK(shown.header("Content-Security-Policy").find("script-src 'self'") != std::string::npos);
  for (const char* token :
       {"autocomplete=\"email\"", "autocomplete=\"cc-number\"", "autocomplete=\"cc-exp\"",
        "autocomplete=\"cc-csc\"", "autocomplete=\"cc-name\"", "Desk Lamp", "25.00 USD",
        "4242424242424242"}) {
    CHECK_MESSAGE(shown.raw.find(token) != std::string::npos, token);
  }
  CHECK(s.send("GET", "/checkout/" + id + "?key=wrong", "", "", {}, "").status == 404);
  // A hosted session is paid on its page, not through the custom-UI call.
  Reply custom =
      s.send("POST", "/v1/payment_pages/" + id + "/confirm",
             "key=" + key_of(cs["url"]) + "&" + kCard, "application/x-www-form-urlencoded", {}, "");
  CHECK(custom.status == 404);
  CHECK(s.send("GET", "/checkout/" + id + "/embedded?secret=" + key_of(cs["url"]), "", "", {}, "")
            .status == 404);  // a hosted session has no embedded form

  // A 3-D Secure card: the form sends the browser to the challenge, then to success_url.
  const std::string form = "key=" + key_of(cs["url"]) +
                           "&email=jenny%40example.com&name=Jenny+Rosen&card[number]="
                           "4000000000003220&card[exp]=12+%2F+30&card[cvc]=123";
  Reply challenge = s.send("POST", page, form, "application/x-www-form-urlencoded", {}, "");
  REQUIRE_MESSAGE(challenge.status == 303, challenge.raw);
  const std::string to = challenge.header("Location");
  CHECK(to.find("/checkout/" + id + "/authenticate?key=") != std::string::npos);
  CHECK(s.get("/v1/payment_intents/" + cs["payment_intent"].get<std::string>()).body["status"] ==
        "requires_action");
  Reply failed =
      s.send("POST", path_of(to), "action=fail", "application/x-www-form-urlencoded", {}, "");
  CHECK(failed.status == 303);
  Reply again = s.send("GET", page, "", "", {}, "");
  CHECK(again.raw.find("failed authentication") != std::string::npos);
  Reply retry = s.send("POST", page, form, "application/x-www-form-urlencoded", {}, "");
  REQUIRE(retry.status == 303);
  Reply passed = s.send("POST", path_of(retry.header("Location")), "action=complete",
                        "application/x-www-form-urlencoded", {}, "");
  REQUIRE(passed.status == 303);
  CHECK(passed.header("Location") == "https://yourstore.com/success?session_id=" + id);
  CHECK(s.get("/v1/checkout/sessions/" + id).body["status"] == "complete");
  Reply closed = s.send("GET", page, "", "", {}, "");
  CHECK(closed.raw.find("Payment complete") != std::string::npos);
  CHECK(closed.raw.find("card[number]") == std::string::npos);
}
