#include "tools/cli_webhooks.h"

#include <httplib.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fmt/core.h>
#include <simdjson.h>

#include "api/ids.h"
#include "contract/aggregate.h"
#include "resources/webhook_endpoints/module.h"
#include "webhooks/signature.h"

namespace payledger::cli {
namespace {

httplib::Client client_for(const std::string& url) {
  httplib::Client c(url);
  c.set_connection_timeout(5, 0);
  c.set_read_timeout(30, 0);
  c.set_tcp_nodelay(true);
  return c;
}

std::string now_text() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

// An event of a page, read out of its parsed answer (whose parser is gone by the time it is
// used): what listen prints and what it forwards.
struct Event {
  std::string id;
  std::string type;
  std::string json;  // the event re-serialized compactly (keys in its order): the body forwarded
};

struct EventsPage {
  std::vector<Event> events;  // newest first, as GET /v1/events lists them
  bool has_more = false;
};

// One page of events: those just newer than `cursor` (ending_before), or without one the
// newest `limit`. nullopt when unreachable or unreadable (an event without a string id or type).
std::optional<EventsPage> events_page(httplib::Client& api, const std::string& key,
                                      const std::string& cursor, int limit) {
  const std::string path = "/v1/events?limit=" + std::to_string(limit) +
                           (cursor.empty() ? "" : "&ending_before=" + cursor);
  auto r = api.Get(path, {{"Authorization", "Bearer " + key}});
  if (!r) return std::nullopt;
  if (r->status != 200) {
    fmt::print(stderr, "{}  GET /v1/events answered {}: {}\n", now_text(), r->status, r->body);
    return std::nullopt;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::array data;
  if (parser.parse(r->body).get(doc) != simdjson::SUCCESS ||
      doc["data"].get(data) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  EventsPage page;
  for (simdjson::dom::element item : data) {
    std::string_view id;
    std::string_view type;
    if (item["id"].get(id) != simdjson::SUCCESS || item["type"].get(type) != simdjson::SUCCESS) {
      return std::nullopt;
    }
    page.events.push_back({std::string(id), std::string(type), simdjson::minify(item)});
  }
  bool has_more = false;  // absent or not a boolean: wait before asking again
  page.has_more = doc["has_more"].get(has_more) == simdjson::SUCCESS && has_more;
  return page;
}

bool wanted(const ListenOptions& o, const std::string& type) {
  if (o.events.empty()) return true;
  for (const auto& p : o.events) {
    if (contract::selects_event_type(p, type)) return true;
  }
  return false;
}

// Forwards one event until the receiver answers (any status); false when stopped trying.
void forward(const ListenOptions& o, httplib::Client& receiver, const std::string& path,
             const Event& event) {
  const std::string& body = event.json;
  for (int tries = 0;; ++tries) {
    const auto t = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
    httplib::Headers headers{{"Stripe-Signature", webhooks::stripe_signature(o.secret, t, body)}};
    auto r = receiver.Post(path, headers, body, "application/json; charset=utf-8");
    if (r) {
      fmt::print("{}  <--  [{}] POST {} [{}]\n", now_text(), r->status, o.forward_to, event.id);
      return;
    }
    fmt::print("{}  <--  [ERROR] POST {} [{}]: {}; trying again\n", now_text(), o.forward_to,
               event.id, httplib::to_string(r.error()));
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::min(5000, 250 << std::min(tries, 4))));
  }
}

}  // namespace

int listen(const ListenOptions& given) {
  ListenOptions o = given;
  if (o.secret.empty()) {
    api::RandomIds ids;
    o.secret = webhook_endpoints::new_signing_secret(ids);
  }
  httplib::Client api = client_for(o.target.api);
  const auto scheme_end = o.forward_to.find("://");
  const auto path_start =
      o.forward_to.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  const std::string origin = o.forward_to.substr(0, path_start);
  const std::string path = path_start == std::string::npos ? "/" : o.forward_to.substr(path_start);
  httplib::Client receiver = client_for(origin);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // a line per event, as it happens
  std::string cursor;  // the newest event seen; empty: none existed when listening began
  bool ready = false;
  for (;;) {
    auto page = events_page(api, o.target.key, cursor, ready ? 100 : 1);
    if (!page) {
      if (ready)
        fmt::print(stderr, "{}  payledgerd unreachable at {}; retrying\n", now_text(),
                   o.target.api);
      std::this_thread::sleep_for(std::chrono::seconds(1));
      continue;
    }
    if (!ready) {  // from now on: the newest event so far is where it starts
      if (!page->events.empty()) cursor = page->events.front().id;
      fmt::print("Ready! Your webhook signing secret is {} (forwarding to {})\n", o.secret,
                 o.forward_to);
      std::fflush(stdout);
      ready = true;
      continue;
    }
    for (auto it = page->events.rbegin(); it != page->events.rend(); ++it) {  // oldest first
      cursor = it->id;
      if (!wanted(o, it->type)) continue;
      fmt::print("{}   -->  {} [{}]\n", now_text(), it->type, cursor);
      forward(o, receiver, path, *it);
    }
    std::fflush(stdout);
    if (!page->has_more) std::this_thread::sleep_for(std::chrono::milliseconds(o.poll_ms));
  }
}

namespace {

// What the steps read of an answer, copied out of it ("" when absent).
struct Answer {
  std::string id;
  std::string client_secret;  // a checkout session's
};

// The merchant's API, printing each call.
class Api {
 public:
  explicit Api(const ApiTarget& t) : cli_(client_for(t.api)), key_(t.key) {}
  std::optional<Answer> post(const std::string& path, const std::string& form,
                             bool customer_side = false) {
    httplib::Headers headers;
    if (!customer_side) headers.emplace("Authorization", "Bearer " + key_);
    auto r = cli_.Post(path, headers, form, "application/x-www-form-urlencoded");
    fmt::print("POST {} -> {}\n", path,
               r ? std::to_string(r->status) : httplib::to_string(r.error()));
    if (!r || r->status / 100 != 2) {
      if (r) fmt::print(stderr, "{}\n", r->body);
      return std::nullopt;
    }
    return read(r->body);
  }
  std::optional<Answer> del(const std::string& path) {
    auto r = cli_.Delete(path, {{"Authorization", "Bearer " + key_}});
    fmt::print("DELETE {} -> {}\n", path,
               r ? std::to_string(r->status) : httplib::to_string(r.error()));
    if (!r || r->status != 200) return std::nullopt;
    return read(r->body);
  }

 private:
  // The fields the steps read of a 2xx answer, or nullopt (a failed call) when it is not JSON.
  static std::optional<Answer> read(const std::string& body) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(body).get(doc) != simdjson::SUCCESS) {
      fmt::print(stderr, "not JSON: {}\n", body);
      return std::nullopt;
    }
    Answer a;
    std::string_view v;
    if (doc["id"].get(v) == simdjson::SUCCESS) a.id = v;
    if (doc["client_secret"].get(v) == simdjson::SUCCESS) a.client_secret = v;
    return a;
  }

  httplib::Client cli_;
  std::string key_;
};

using Steps = std::function<bool(Api&)>;

// The id of the object a POST created; nullopt when the call failed or answered no id (the
// steps after it would call a path without one).
std::optional<std::string> created(Api& api, const std::string& path, const std::string& form) {
  auto answer = api.post(path, form);
  if (!answer || answer->id.empty()) return std::nullopt;
  return answer->id;
}

std::optional<std::string> intent(Api& api, const std::string& extra) {
  return created(api, "/v1/payment_intents", "amount=2000&currency=usd" + extra);
}

bool confirmed(Api& api, const std::string& card, const std::string& extra = "",
               std::string* id_out = nullptr) {
  auto id = intent(api, extra);
  if (!id) return false;
  if (id_out != nullptr) *id_out = *id;
  auto r = api.post("/v1/payment_intents/" + *id + "/confirm", "payment_method=" + card);
  return r.has_value() || card != "pm_card_visa";  // a decline answers 402: it still happened
}

bool succeeded_and(Api& api, const std::function<bool(const std::string&)>& then) {
  std::string id;
  return confirmed(api, "pm_card_visa", "", &id) && then(id);
}

std::optional<std::string> price(Api& api) {
  auto product = created(api, "/v1/products", "name=Trigger+lamp");
  if (!product) return std::nullopt;
  return created(api, "/v1/prices", "product=" + *product + "&currency=usd&unit_amount=2500");
}

// A new checkout session (its id is never ""), or nullopt.
std::optional<Answer> session(Api& api, const std::string& ui) {
  auto p = price(api);
  if (!p) return std::nullopt;
  const std::string back = ui == "hosted" ? "&success_url=" : "&return_url=";
  auto s = api.post("/v1/checkout/sessions",
                    "mode=payment&ui_mode=" + ui + "&line_items[0][price]=" + *p +
                        "&line_items[0][quantity]=1" + back + "https%3A%2F%2Fexample.com%2Fdone");
  if (!s || s->id.empty()) return std::nullopt;
  return s;
}

const std::map<std::string, Steps>& steps() {
  static const std::map<std::string, Steps> all = {
      {"payment_intent.created", [](Api& a) { return intent(a, "").has_value(); }},
      {"payment_intent.succeeded", [](Api& a) { return confirmed(a, "pm_card_visa"); }},
      {"payment_intent.payment_failed",
       [](Api& a) { return confirmed(a, "pm_card_chargeDeclined"); }},
      {"payment_intent.requires_action",
       [](Api& a) { return confirmed(a, "pm_card_threeDSecureRequired"); }},
      {"payment_intent.amount_capturable_updated",
       [](Api& a) { return confirmed(a, "pm_card_visa", "&capture_method=manual"); }},
      {"payment_intent.canceled",
       [](Api& a) {
         auto id = intent(a, "");
         return id && a.post("/v1/payment_intents/" + *id + "/cancel", "").has_value();
       }},
      {"charge.succeeded", [](Api& a) { return confirmed(a, "pm_card_visa"); }},
      {"charge.failed", [](Api& a) { return confirmed(a, "pm_card_chargeDeclined"); }},
      {"charge.captured",
       [](Api& a) {
         std::string id;
         return confirmed(a, "pm_card_visa", "&capture_method=manual", &id) &&
                a.post("/v1/payment_intents/" + id + "/capture", "").has_value();
       }},
      {"charge.refunded",
       [](Api& a) {
         return succeeded_and(a, [&](const std::string& id) {
           return a.post("/v1/refunds", "payment_intent=" + id).has_value();
         });
       }},
      {"refund.created",
       [](Api& a) {
         return succeeded_and(a, [&](const std::string& id) {
           return a.post("/v1/refunds", "payment_intent=" + id + "&amount=500").has_value();
         });
       }},
      {"customer.created",
       [](Api& a) { return a.post("/v1/customers", "name=Jenny+Rosen").has_value(); }},
      {"customer.updated",
       [](Api& a) {
         auto c = created(a, "/v1/customers", "name=Jenny+Rosen");
         return c && a.post("/v1/customers/" + *c, "name=Jenny+R.").has_value();
       }},
      {"customer.deleted",
       [](Api& a) {
         auto c = created(a, "/v1/customers", "name=Jenny+Rosen");
         return c && a.del("/v1/customers/" + *c).has_value();
       }},
      {"product.created",
       [](Api& a) { return a.post("/v1/products", "name=Trigger+lamp").has_value(); }},
      {"price.created", [](Api& a) { return price(a).has_value(); }},
      {"checkout.session.completed",
       [](Api& a) {
         auto s = session(a, "custom");
         if (!s) return false;
         return a
             .post("/v1/payment_pages/" + s->id + "/confirm",
                   "client_secret=" + s->client_secret +
                       "&email=jenny%40example.com&card[number]=4242424242424242"
                       "&card[exp_month]=12&card[exp_year]=2034&card[cvc]=123",
                   /*customer_side=*/true)
             .has_value();
       }},
      {"checkout.session.expired",
       [](Api& a) {
         auto s = session(a, "hosted");
         return s && a.post("/v1/checkout/sessions/" + s->id + "/expire", "").has_value();
       }},
  };
  return all;
}

}  // namespace

std::vector<std::string> triggerable_events() {
  std::vector<std::string> out;
  for (const auto& [name, s] : steps()) out.push_back(name);
  return out;
}

int trigger(const ApiTarget& target, const std::string& event) {
  const auto it = steps().find(event);
  if (it == steps().end()) {
    fmt::print(stderr, "payledger trigger cannot cause '{}'. It can cause:\n", event);
    for (const auto& name : triggerable_events()) fmt::print(stderr, "  {}\n", name);
    return 2;
  }
  Api api(target);
  if (!it->second(api)) {
    fmt::print(stderr, "a call failed: {} may not have happened\n", event);
    return 1;
  }
  fmt::print("Trigger succeeded! Check the events: GET /v1/events?type={}\n", event);
  return 0;
}

}  // namespace payledger::cli
