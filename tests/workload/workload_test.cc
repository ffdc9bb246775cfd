// A seeded random workload against the write side, then an auditor that recomputes every
// balance and every view from the log alone and compares them with what the system says.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <random>

#include <nlohmann/json.hpp>

#include "app/app.h"
#include "contract/events.h"
#include "eventstore/codec.h"
#include "finance/reconcile.h"
#include "finance/verify.h"
#include "projections/queries.h"
#include "resources/checkout_sessions/internal.h"
#include "resources/payment_intents/module.h"
#include "resources/payment_intents/render.h"
#include "resources/registry.h"
#include "tests/support/temp_dir.h"

using namespace payledger;
namespace d = payledger::domain;
using Json = nlohmann::json;

namespace {

constexpr std::int64_t kT0 = 1'742'025'600;

// What the driver was told: every acknowledged money movement, per intent.
struct Told {
  std::int64_t received = 0;
  std::int64_t refunded = 0;
  std::string merchant;
};

// Balances recomputed from the log by rules written here, independent of the domain's evolve.
struct Ledger {
  std::int64_t amount = 0;
  std::int64_t authorized = 0;
  std::int64_t captured = 0;
  std::int64_t refunded = 0;
  std::uint64_t version = 0;
  std::string merchant;
  std::string currency;
};

const char* kPaymentMethods[] = {"pm_card_visa",
                                 "pm_card_mastercard",
                                 "pm_card_chargeDeclined",
                                 "pm_card_expired",
                                 "pm_card_threeDSecureRequired",
                                 "pm_usBankAccount_success",
                                 "pm_usBankAccount_insufficientFunds"};
const char* kCurrencies[] = {"usd", "eur", "jpy", "kwd"};

class Driver {
 public:
  Driver(api::App& app, api::ManualClock& clock, std::vector<d::MerchantId> merchants,
         unsigned seed)
      : app_(app), clock_(clock), merchants_(std::move(merchants)), rng_(seed) {}

  void step() {
    const int op = pick(0, 99);
    if (op < 25 || intents_.empty()) return create();
    const std::string id = intents_[pick(0, static_cast<int>(intents_.size()) - 1)];
    const d::MerchantId m{told_[id].merchant};
    if (op < 55) {
      Json body = Json::object();
      if (pick(0, 3)) body["payment_method"] = kPaymentMethods[pick(0, 6)];
      note(id, post(m, "/v1/payment_intents/" + id + "/confirm", body));
    } else if (op < 65) {
      Json body = Json::object();
      if (pick(0, 1)) body["amount_to_capture"] = pick(1, 120000);
      note(id, post(m, "/v1/payment_intents/" + id + "/capture", body));
    } else if (op < 72) {
      note(id, post(m, "/v1/payment_intents/" + id + "/cancel",
                    {{"cancellation_reason", pick(0, 1) ? "duplicate" : "abandoned"}}));
    } else if (op < 92) {
      Json body = {{"payment_intent", id}};
      if (pick(0, 2)) body["amount"] = pick(1, 40000);
      api::Outcome o = post(m, "/v1/refunds", body);
      if (o.http_status == 200)
        told_[id].refunded += Json::parse(o.body)["amount"].get<std::int64_t>();
    } else if (op < 94) {
      // The amount may change only before confirmation; metadata any time but once canceled.
      (void)post(m, "/v1/payment_intents/" + id,
                 {{"amount", pick(1, 100000)}, {"metadata", {{"u", std::to_string(op)}}}});
    } else if (op < 97) {
      clock_.advance(pick(1, 10));
      (void)app_.sweeper().sweep_once();
      refresh_all();
    } else {
      clock_.advance(3 * 86'400);
      (void)app_.sweeper().sweep_once();
      refresh_all();
    }
  }

  const std::map<std::string, Told>& told() const { return told_; }

 private:
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  api::Outcome post(const d::MerchantId& m, const std::string& path, const Json& body) {
    return app_.call("POST", path, m, body.dump());
  }

  void create() {
    const Json body = {{"amount", pick(0, 50) == 0 ? 0 : pick(1, 100000)},  // sometimes invalid
                       {"currency", kCurrencies[pick(0, 3)]},
                       {"capture_method", pick(0, 2) ? "automatic" : "manual"},
                       {"metadata", {{"n", std::to_string(intents_.size())}}}};
    const d::MerchantId& m = merchants_[pick(0, static_cast<int>(merchants_.size()) - 1)];
    api::Outcome o = post(m, "/v1/payment_intents", body);
    if (o.http_status != 200) return;
    const std::string id = Json::parse(o.body)["id"];
    intents_.push_back(id);
    told_[id].merchant = m.value;
  }

  // Confirm, capture and cancel answer the whole intent: keep what it says was received.
  void note(const std::string& id, const api::Outcome& o) {
    if (o.http_status == 200) told_[id].received = Json::parse(o.body)["amount_received"];
  }

  // Time-driven settlements change intents without a client call: read them from the log.
  void refresh_all() {
    for (const auto& id : intents_) {
      auto st =
          app_.commands().load<payment_intents::Module>(d::MerchantId{told_[id].merchant}, id);
      REQUIRE(st.has_value());
      told_[id].received = st->state->amount_received.minor();
    }
  }

  api::App& app_;
  api::ManualClock& clock_;
  std::vector<d::MerchantId> merchants_;
  std::mt19937 rng_;
  std::vector<std::string> intents_;
  std::map<std::string, Told> told_;
};

void apply_to_ledger(Ledger& l, const payment_intents::Recorded& r) {
  CHECK(r.meta.version.value == l.version + 1);  // stream versions are contiguous
  l.version = r.meta.version.value;
  if (const auto* c = std::get_if<payment_intents::IntentCreated>(&r.body)) {
    l.amount = c->amount.amount.minor();
    l.currency = std::string(c->amount.currency.code());
    l.merchant = r.meta.merchant.value;
  } else if (const auto* u = std::get_if<payment_intents::IntentUpdated>(&r.body)) {
    CHECK(l.authorized == 0);  // never after an authorization
    l.amount = u->amount.minor();
  } else if (const auto* a = std::get_if<payment_intents::IntentAuthorized>(&r.body)) {
    CHECK(l.captured == 0);
    l.authorized = a->amount.minor();
  } else if (const auto* cap = std::get_if<payment_intents::IntentCaptured>(&r.body)) {
    CHECK(cap->amount.minor() <= l.authorized);
    l.captured += cap->amount.minor();
  } else if (const auto* ref = std::get_if<payment_intents::RefundCreated>(&r.body)) {
    l.refunded += ref->amount.minor();
    CHECK(ref->currency.code() == l.currency);
  }
  CHECK(l.refunded <= l.captured);  // money is never created
  CHECK(l.captured <= l.amount);
}

void audit(api::App& app, const std::map<std::string, Told>& told) {
  std::vector<eventstore::StoredEvent> all;
  REQUIRE(app.store().read_all(eventstore::Position{1}, 10'000'000, &all).is_ok());
  REQUIRE(all.size() == app.store().last_position().value);
  std::map<std::string, Ledger> ledgers;
  std::map<std::string, payment_intents::IntentState> folded;
  std::map<std::string, std::int64_t> net_by_currency;
  eventstore::EnvelopeParser parser;
  for (std::size_t i = 0; i < all.size(); ++i) {
    REQUIRE(all[i].position.value == i + 1);  // gapless
    eventstore::EventHeader header;
    json::Value data;
    REQUIRE(parser.parse(all[i].payload, &header, &data).is_ok());
    if (!header.meta.stream_id.starts_with("pi_")) continue;
    auto body = contract::decode_body<payment_intents::IntentEvent>(header, data);
    REQUIRE(body.has_value());
    const payment_intents::Recorded rec{header.meta, std::move(*body)};
    apply_to_ledger(ledgers[rec.meta.stream_id], rec);
    folded[rec.meta.stream_id] = payment_intents::evolve(folded[rec.meta.stream_id], rec);
  }
  REQUIRE(app.runner().wait_for(app.store().last_position(), std::chrono::seconds(30)));
  projections::Queries views(app.db());
  CHECK(ledgers.size() == told.size());
  for (const auto& entry : ledgers) {
    const std::string& id = entry.first;  // not a binding: CAPTURE's lambda takes it (clang 14)
    const auto& l = entry.second;
    CAPTURE(id);
    REQUIRE(told.contains(id));
    const Told& t = told.at(id);
    // Every acknowledged movement is in the log, and nothing else moved money.
    CHECK(l.captured == t.received);
    CHECK(l.refunded == t.refunded);
    net_by_currency[l.currency] += l.captured - l.refunded;
    // The view is exactly the rendering of the log's fold, and its balances agree.
    auto view = views.object("payment_intent", l.merchant, id);
    REQUIRE(view.has_value());
    REQUIRE(view->has_value());
    CHECK(**view == payment_intents::render_intent(*folded[id]));
    const Json v = Json::parse(**view);
    CHECK(v["amount_received"] == l.captured);
    std::int64_t view_refunded = 0;
    for (const auto& ch : v["charges"]["data"]) {
      // An uncaptured charge's amount_refunded is a released authorization, not money returned.
      if (ch["captured"]) view_refunded += ch["amount_refunded"].get<std::int64_t>();
    }
    CHECK(view_refunded == l.refunded);
  }
  for (const auto& [currency, net] : net_by_currency) CHECK(net >= 0);
  // The log as JSON lines, for the schema check (ctest event_schemas).
  std::ofstream jsonl(WORKLOAD_EVENTS_PATH, std::ios::app);
  for (const auto& e : all) jsonl << e.payload << "\n";
}

// One API call of the catalog: METHOD PATH with BODY; the answer's id is kept as `save` (when
// given), and "{name}" in the path or in a top-level string of the body stands for the id kept
// as `name`.
struct Step {
  std::string method;
  std::string path;
  Json body = Json::object();
  std::string save = {};
};

// Each resource's calls that make every event type of it occur (made, changed, deleted), a
// short list a resource: the schema check (ctest event_schemas) needs every type in the log.
const std::map<std::string, std::vector<Step>>& catalog_steps() {
  static const std::map<std::string, std::vector<Step>> steps = {
      {"customers",
       {{"POST", "/v1/customers", {{"email", "a@example.com"}}, "customer"},
        {"POST", "/v1/customers/{customer}", {{"name", "A"}}},
        {"DELETE", "/v1/customers/{customer}"}}},
      {"products",
       {{"POST", "/v1/products", {{"name", "Spare"}}, "spare"},
        {"POST", "/v1/products/{spare}", {{"active", false}}},
        {"DELETE", "/v1/products/{spare}"}}},
      {"prices",
       {{"POST", "/v1/products", {{"name", "Thing"}}, "product"},
        {"POST",
         "/v1/prices",
         {{"currency", "usd"}, {"unit_amount", 100}, {"product", "{product}"}},
         "price"},
        {"POST", "/v1/prices/{price}", {{"nickname", "n"}}},
        {"POST",
         "/v1/prices",
         {{"currency", "eur"}, {"unit_amount", 0}, {"product_data", {{"name", "Free"}}}}}}},
      {"tax_rates",
       {{"POST",
         "/v1/tax_rates",
         {{"display_name", "VAT"}, {"percentage", 19}, {"inclusive", false}},
         "rate"},
        {"POST", "/v1/tax_rates/{rate}", {{"active", false}}}}},
      {"webhook_endpoints",
       {{"POST",
         "/v1/webhook_endpoints",
         {{"url", "https://shop.example/hook"}, {"enabled_events", {"*"}}},
         "hook"},
        {"POST", "/v1/webhook_endpoints/{hook}", {{"disabled", true}}},
        {"DELETE", "/v1/webhook_endpoints/{hook}"}}},
  };
  return steps;
}

// `text` with each "{name}" replaced by the id kept as `name`.
std::string filled(std::string text, const std::map<std::string, std::string>& ids) {
  for (const auto& [name, id] : ids) {
    const std::string marker = "{" + name + "}";
    for (std::size_t at = text.find(marker); at != std::string::npos; at = text.find(marker)) {
      text.replace(at, marker.size(), id);
    }
  }
  return text;
}

void run_steps(api::App& app, const d::MerchantId& m, const std::vector<Step>& steps) {
  std::map<std::string, std::string> ids;
  for (const Step& step : steps) {
    Json body = step.body;
    for (auto& [key, value] : body.items()) {
      if (value.is_string()) value = filled(value.get<std::string>(), ids);
    }
    const std::string path = filled(step.path, ids);
    CAPTURE(path);
    const api::Outcome o =
        app.call(step.method, path, m, step.method == "DELETE" ? std::string() : body.dump());
    REQUIRE(o.http_status == 200);
    if (!step.save.empty()) ids[step.save] = Json::parse(o.body)["id"].get<std::string>();
  }
}

// Every catalog event type, for the schema check: each resource's steps, then a test clock
// advanced past its customer's authorization (which expires), then deleted.
void catalog(api::App& app, const d::MerchantId& m, std::map<std::string, Told>& told) {
  for (const auto& entry : catalog_steps()) {
    const std::string& resource = entry.first;  // not a binding: CAPTURE's lambda takes it
    CAPTURE(resource);
    run_steps(app, m, entry.second);
  }
  auto post = [&](const std::string& path, const Json& body) {
    api::Outcome o = app.call("POST", path, m, body.dump());
    REQUIRE(o.http_status == 200);
    return Json::parse(o.body);
  };
  const Json clock = post("/v1/test_helpers/test_clocks", {{"frozen_time", kT0}});
  const std::string clock_id = clock["id"];
  const std::string on_clock = post("/v1/customers", {{"test_clock", clock_id}})["id"];
  const std::string expiring = post("/v1/payment_intents", {{"amount", 700},
                                                            {"currency", "usd"},
                                                            {"customer", on_clock},
                                                            {"capture_method", "manual"},
                                                            {"payment_method", "pm_card_visa"},
                                                            {"confirm", true}})["id"];
  told[expiring] = Told{0, 0, m.value};  // an authorization moves no money
  (void)post("/v1/test_helpers/test_clocks/" + clock_id + "/advance",
             {{"frozen_time", kT0 + 8 * 86400}});
  for (int pass = 0; pass < 2; ++pass) {  // the intent's expiry, then the clock's ready
    REQUIRE(app.runner().wait_for(app.store().last_position(), std::chrono::seconds(10)));
    (void)app.sweeper().sweep_once();
  }
  REQUIRE(app.call("DELETE", "/v1/test_helpers/test_clocks/" + clock_id, m).http_status == 200);
}

// Every payment event type (seed 002): processed by the sweeper as in production, a challenge
// left to expire, a cancel, refunds that succeed and one that fails. The money checks: what the
// views say was refunded is what succeeded, never more than the amount.
void payments_catalog(api::App& app, api::ManualClock& clock, const d::MerchantId& m) {
  auto create = [&](const std::string& number) {
    const Json body{
        {"amount", 3000},
        {"currency", "eur"},
        {"return_url", "https://shop.example/back"},
        {"card", {{"number", number}, {"exp_month", 12}, {"exp_year", 2031}, {"cvc", "123"}}}};
    api::Outcome o = app.call("POST", "/v1/payments", m, body.dump());
    REQUIRE(o.http_status == 200);
    return Json::parse(o.body)["id"].get<std::string>();
  };
  auto sweep = [&] {
    REQUIRE(app.runner().wait_for(app.store().last_position(), std::chrono::seconds(10)));
    (void)app.sweeper().sweep_once();
    REQUIRE(app.runner().wait_for(app.store().last_position(), std::chrono::seconds(10)));
  };
  auto view = [&](const std::string& id) {
    auto json = projections::Queries(app.db()).object("payment", m.value, id);
    REQUIRE(json.has_value());
    REQUIRE(json->has_value());
    return Json::parse(**json);
  };
  const std::string ok = create("4242424242424242");
  const std::string declined = create("4000000000009995");
  const std::string challenged = create("4000000000003220");
  const std::string refunds_fail = create("4000000000005126");
  const std::string canceled = create("4111111111111111");
  REQUIRE(app.call("POST", "/v1/payments/" + canceled + "/cancel", m).http_status == 200);
  sweep();
  CHECK(view(ok)["status"] == "succeeded");
  CHECK(view(declined)["status"] == "failed");
  CHECK(view(challenged)["status"] == "requires_action");
  REQUIRE(app.call("POST", "/v1/payments/" + ok + "/refund", m, R"({"amount":1000})").http_status ==
          200);
  REQUIRE(app.call("POST", "/v1/payments/" + refunds_fail + "/refund", m).http_status == 200);
  clock.advance(15 * 60);
  sweep();
  CHECK(view(challenged)["status"] == "expired");
  REQUIRE(app.call("POST", "/v1/payments/" + ok + "/refund", m).http_status == 200);
  sweep();
  const Json paid = view(ok);
  CHECK(paid["refunded_amount"] == 3000);
  CHECK(paid["refunded_amount"] <= paid["amount"]);
  CHECK(view(refunds_fail)["refunded_amount"] == 0);
  CHECK(view(refunds_fail)["refunds"][0]["status"] == "failed");
}

// The sessions of `m` that were not paid (open or expired), as the views list them.
std::vector<Json> views_of_unpaid(api::App& app, const d::MerchantId& m) {
  projections::ListRequest req;
  req.object = "checkout.session";
  req.merchant = m.value;
  req.limit = 100;
  auto page = projections::Queries(app.db()).list(req);
  REQUIRE(page.has_value());
  std::vector<Json> out;
  for (const auto& json : page->objects) {
    Json s = Json::parse(json);
    if (s["status"] != "complete") out.push_back(std::move(s));
  }
  return out;
}

// Every checkout event type (seed 004), paid through the customer's own completion as the pages
// do: payment and order mode, a decline, 3-D Secure, an expiry by hand and one at expires_at.
// The money checks: each paid session's intent received its total, its order says the same,
// and what it received is told to the auditor, which recomputes it from the log.
void checkout_catalog(api::App& app, api::ManualClock& clock, const d::MerchantId& m,
                      std::map<std::string, Told>& told) {
  auto post = [&](const std::string& path, const Json& body) {
    api::Outcome o = app.call("POST", path, m, body.dump());
    REQUIRE_MESSAGE(o.http_status == 200, o.body);
    return Json::parse(o.body);
  };
  const std::string product = post("/v1/products", {{"name", "Desk"}, {"shippable", true}})["id"];
  const std::string price =
      post("/v1/prices", {{"currency", "usd"}, {"unit_amount", 2500}, {"product", product}})["id"];
  auto session = [&](const std::string& mode, std::optional<std::int64_t> expires_at = {}) {
    Json body{{"mode", mode},
              {"ui_mode", "custom"},
              {"line_items", {{{"price", price}, {"quantity", 2}}}},
              {"shipping_options",
               {{{"name", "Std"}, {"amount", 500}, {"currency", "usd"}},
                {{"name", "Exp"}, {"amount", 1500}, {"currency", "usd"}}}}};
    if (expires_at) body["expires_at"] = *expires_at;
    return post("/v1/checkout/sessions", body);
  };
  auto pay = [&](const Json& cs, const std::string& number, int rate) {
    checkout_sessions::CompletionRequest r;
    r.email = "jenny@example.com";
    r.name = "Jenny";
    r.shipping = customers::Shipping{"Jenny", "", {"1 Main", "", "Springfield", "12345", "", "US"}};
    r.shipping_rate = cs["shipping_options"][rate]["shipping_rate"]["id"];
    r.card.number = number;
    r.card.exp_month = 12;
    r.card.exp_year = 2031;
    r.card.cvc = "123";
    r.has_card = true;
    return checkout_sessions::complete(app.commands(), m, cs["id"], r, "http://127.0.0.1");
  };
  using Kind = checkout_sessions::CompletionResult::Kind;
  const Json paid = session("payment");
  CHECK(pay(paid, "4000000000000002", 0).kind == Kind::declined);
  CHECK(pay(paid, "4242424242424242", 1).kind == Kind::completed);
  const Json ordered = session("order");
  CHECK(pay(ordered, "4000000000003220", 0).kind == Kind::authenticate);
  CHECK(checkout_sessions::finish_authentication(app.commands(), m, ordered["id"], true).kind ==
        Kind::completed);
  (void)post("/v1/checkout/sessions/" + session("payment")["id"].get<std::string>() + "/expire",
             Json::object());
  const Json timed = session("payment", clock.now().value + 1800);
  clock.advance(1800);
  REQUIRE(app.runner().wait_for(app.store().last_position(), std::chrono::seconds(10)));
  (void)app.sweeper().sweep_once();
  REQUIRE(app.runner().wait_for(app.store().last_position(), std::chrono::seconds(10)));
  projections::Queries views(app.db());
  auto view = [&](const std::string& object, const std::string& id) {
    auto json = views.object(object, m.value, id);
    REQUIRE(json.has_value());
    REQUIRE(json->has_value());
    return Json::parse(**json);
  };
  CHECK(view("checkout.session", timed["id"])["status"] == "expired");
  for (const auto& [cs, total] : {std::pair{paid, 6500}, std::pair{ordered, 5500}}) {
    const Json s = view("checkout.session", cs["id"]);
    CHECK(s["status"] == "complete");
    CHECK(s["amount_total"] == total);
    const Json pi = view("payment_intent", cs["payment_intent"]);
    CHECK(pi["amount_received"] == total);
    told[cs["payment_intent"]] = Told{total, 0, m.value};
  }
  CHECK(view("order", view("checkout.session", ordered["id"])["order"])["amount_total"] == 5500);
  // Sessions that were not paid received nothing.
  for (const Json& cs : views_of_unpaid(app, m)) told[cs["payment_intent"]] = Told{0, 0, m.value};
}

}  // namespace

TEST_CASE("seeded random workload: the auditor recomputes every balance and view from the log") {
  std::remove(WORKLOAD_EVENTS_PATH);
  for (unsigned seed : {1u, 2u, 3u}) {
    CAPTURE(seed);
    payledger::testing::TempDir dir;
    api::AppOptions options;
    options.data_dir = dir.path();
    options.sweep_interval_ms = 0;
    auto clock_owner = std::make_unique<api::ManualClock>(kT0);
    api::ManualClock& clock = *clock_owner;
    auto app = api::App::open(options, std::move(clock_owner));
    REQUIRE(app.has_value());
    std::vector<d::MerchantId> merchants;
    for (int m = 0; m < 3; ++m) {
      auto id =
          (*app)->ensure_key("sk_test_workload_" + std::to_string(seed) + "_" + std::to_string(m));
      REQUIRE(id.has_value());
      merchants.push_back(*id);
    }
    Driver driver(**app, clock, merchants, seed);
    std::map<std::string, Told> told;
    for (const auto& m : merchants) catalog(**app, m, told);
    payments_catalog(**app, clock, merchants.front());
    checkout_catalog(**app, clock, merchants.front(), told);
    for (int i = 0; i < 1500; ++i) driver.step();
    told.insert(driver.told().begin(), driver.told().end());
    audit(**app, told);
    // And finance's own tools agree: the log verifies (chain, invariants, balanced entries),
    // and reconcile finds the ledger, the balances and every document as the log has them.
    REQUIRE((*app)->runner().wait_for((*app)->store().last_position(), std::chrono::seconds(30)));
    auto verified = finance::verify_log((*app)->db(), resources::registry(), {});
    REQUIRE(verified.has_value());
    CHECK(verified->problems == std::vector<std::string>{});
    CHECK(verified->movements > 50);
    auto reconciled = finance::reconcile((*app)->db(), resources::registry(), {});
    REQUIRE(reconciled.has_value());
    CHECK(reconciled->differences == std::vector<std::string>{});
    CHECK(reconciled->log.size() >= 3);
    CHECK(reconciled->views_compared);
  }
}
