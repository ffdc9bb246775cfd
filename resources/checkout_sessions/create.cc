// POST /v1/checkout/sessions: the request's line items resolved against the catalog (existing
// prices, or inline price_data that makes an inactive price, and a product from product_data),
// the session decided, and its PaymentIntent created, all in one atomic append.
#include <map>

#include "api/command_service.h"
#include "api/urls.h"
#include "domain/contact.h"
#include "resources/checkout_sessions/internal.h"
#include "resources/customers/module.h"
#include "resources/payment_intents/errors.h"
#include "resources/payment_intents/intent.h"
#include "resources/payment_intents/module.h"
#include "resources/prices/module.h"
#include "resources/products/module.h"

namespace payledger::checkout_sessions {
namespace {

namespace d = domain;
using api::ApiError;
using api::Call;
using api::Outcome;
using api::Params;

struct LineRequest {
  std::string param;  // "line_items[0]"
  std::optional<std::string> price;
  // price_data
  std::string currency;
  std::optional<std::string> product;
  std::optional<std::string> product_name;  // product_data[name]
  std::optional<std::int64_t> unit_amount;
  std::int64_t quantity = 0;
};

struct BoundRequest {
  std::string unit;
  std::int64_t value = 0;
};

struct RateRequest {
  std::string param;          // "shipping_options[0]"
  orders::ShippingRate rate;  // but for the id, the amount and the estimate
  std::int64_t amount = 0;
  std::string currency;
  std::optional<BoundRequest> minimum, maximum;
};

struct CreateRequest {
  SessionCreated session;
  std::size_t line_count = 0, rate_count = 0;
  std::vector<LineRequest> lines;
  std::vector<RateRequest> rates;
  std::optional<std::vector<std::string>> allowed_countries;
  std::string mode, ui_mode, customer_creation;
  std::optional<std::int64_t> expires_at;
  std::string capture_method, intent_description;
  d::Metadata intent_metadata;
};

LineRequest read_line(Params& p, std::size_t i) {
  LineRequest line;
  line.param = "line_items[" + std::to_string(i) + "]";
  line.price = p.string(line.param + "[price]", 100);
  line.quantity = p.required_integer(line.param + "[quantity]");
  const std::string data = line.param + "[price_data]";
  if (p.has(data)) {
    line.currency = p.required_string(data + "[currency]", 3);
    line.product = p.string(data + "[product]", 100);
    line.product_name = p.string(data + "[product_data][name]", 250);
    line.unit_amount = p.required_integer(data + "[unit_amount]");
  }
  return line;
}

std::optional<BoundRequest> read_bound(Params& p, const std::string& name) {
  if (!p.has(name)) return std::nullopt;
  return BoundRequest{p.required_string(name + "[unit]", 20), p.required_integer(name + "[value]")};
}

// The seed's {name, amount, currency, delivery_estimate}, or Stripe's shipping_rate_data.
RateRequest read_rate(Params& p, std::size_t i) {
  const std::string at = "shipping_options[" + std::to_string(i) + "]";
  RateRequest r;
  r.param = at;
  const bool stripe = p.has(at + "[shipping_rate_data]");
  const std::string base = stripe ? at + "[shipping_rate_data]" : at;
  r.rate.name = p.required_string(base + (stripe ? "[display_name]" : "[name]"), 100);
  r.amount = p.required_integer(base + (stripe ? "[fixed_amount][amount]" : "[amount]"));
  r.currency = p.required_string(base + (stripe ? "[fixed_amount][currency]" : "[currency]"), 3);
  if (stripe) (void)p.string(base + "[type]", 20);
  r.minimum = read_bound(p, base + "[delivery_estimate][minimum]");
  r.maximum = read_bound(p, base + "[delivery_estimate][maximum]");
  return r;
}

CreateRequest read_create(Params& p) {
  CreateRequest r;
  SessionCreated& s = r.session;
  r.mode = p.required_string("mode", 16);
  r.ui_mode = p.string("ui_mode", 16).value_or("hosted");
  r.line_count = p.count("line_items");
  if (r.line_count > kMaxLineItems) return r;  // told before anything else
  for (std::size_t i = 0; i < r.line_count; ++i) r.lines.push_back(read_line(p, i));
  s.success_url = p.string("success_url", 2048).value_or("");
  s.cancel_url = p.string("cancel_url", 2048).value_or("");
  s.return_url = p.string("return_url", 2048).value_or("");
  s.customer = p.string("customer", 100).value_or("");
  s.customer_email = p.string("customer_email", 512).value_or("");
  r.customer_creation = p.string("customer_creation", 16).value_or("if_required");
  r.capture_method = p.string("payment_intent_data[capture_method]", 16).value_or("automatic");
  r.intent_description = p.string("payment_intent_data[description]", 1000).value_or("");
  r.intent_metadata = p.metadata("payment_intent_data[metadata]");
  r.rate_count = p.count("shipping_options");
  if (r.rate_count > kMaxShippingOptions) return r;  // told before anything else
  for (std::size_t i = 0; i < r.rate_count; ++i) r.rates.push_back(read_rate(p, i));
  if (p.has("shipping_address_collection")) {
    r.allowed_countries = p.strings("shipping_address_collection[allowed_countries]", 250, 2);
    if (!r.allowed_countries) r.allowed_countries.emplace();  // told in check_request
  }
  r.expires_at = p.integer("expires_at");
  s.metadata = p.metadata("metadata");
  s.client_reference_id = p.string("client_reference_id", 200).value_or("");
  return r;
}

template <class E>
Expected<E, ApiError> enum_param(const std::string& name, const std::string& value) {
  if (auto parsed = d::parse_enum<E>(value)) return *parsed;
  std::string names;
  for (const auto& [text, v] : d::EnumNames<E>::kNames) {
    names += (names.empty() ? "" : ", ") + std::string(text);
  }
  return Unexpected{
      api::invalid_param(name, "parameter_invalid", name + " must be one of: " + names + ".")};
}

std::optional<ApiError> url_error(const std::string& name, const std::string& url) {
  if (url.empty() || api::acceptable_redirect_url(url, {true, true})) return std::nullopt;
  return api::invalid_param(name, "url_invalid",
                            name +
                                " must be an absolute http or https URL, such as "
                                "https://example.com/success.");
}

std::optional<ApiError> check_rate(RateRequest& rate) {
  if (rate.amount < 0 || rate.amount > d::kMaxAmountMinor) {
    return api::invalid_param(rate.param + "[amount]", "parameter_invalid_integer",
                              "A shipping amount is from 0 to 99999999 (minor units).");
  }
  if (!d::Currency::parse(rate.currency)) {
    return api::invalid_param(rate.param + "[currency]", "parameter_invalid",
                              "currency must be a supported lowercase ISO 4217 code.");
  }
  for (auto [bound, out] : {std::pair{&rate.minimum, &rate.rate.minimum},
                            std::pair{&rate.maximum, &rate.rate.maximum}}) {
    if (!*bound) continue;
    auto unit = d::parse_enum<orders::DeliveryUnit>((*bound)->unit);
    if (!unit || (*bound)->value < 1 || (*bound)->value > 1000) {
      return api::invalid_param(rate.param + "[delivery_estimate]", "parameter_invalid",
                                "A delivery estimate has a unit (hour, day, business_day, week, "
                                "month) and a value from 1 to 1000.");
    }
    *out = orders::DeliveryBound{*unit, (*bound)->value};
  }
  return std::nullopt;
}

// What the request says that needs no catalog: enums, URLs, emails, shipping options, expiry.
std::optional<ApiError> check_request(CreateRequest& r, d::UnixSeconds now) {
  SessionCreated& s = r.session;
  auto mode = enum_param<Mode>("mode", r.mode);
  if (!mode) return mode.error();
  s.mode = *mode;
  auto ui = enum_param<UiMode>("ui_mode", r.ui_mode);
  if (!ui) return ui.error();
  s.ui_mode = *ui;
  auto creation = enum_param<CustomerCreation>("customer_creation", r.customer_creation);
  if (!creation) return creation.error();
  s.customer_creation = *creation;
  if (!payment_intents::parse_capture_method(r.capture_method)) {
    return api::invalid_param("payment_intent_data[capture_method]", "parameter_invalid",
                              "payment_intent_data[capture_method] must be automatic or manual.");
  }
  s.manual_capture = r.capture_method == "manual";
  for (const auto& [name, url] : {std::pair<std::string, std::string>{"success_url", s.success_url},
                                  {"cancel_url", s.cancel_url},
                                  {"return_url", s.return_url}}) {
    if (auto e = url_error(name, url)) return e;
  }
  if (!s.customer.empty() && !s.customer_email.empty()) {
    return api::invalid_param("customer_email", "parameter_invalid",
                              "Pass customer or customer_email, not both.");
  }
  if (!s.customer_email.empty() && !d::plausible_email(s.customer_email)) {
    return api::invalid_param("customer_email", "email_invalid",
                              "customer_email must be an address like jenny@example.com.");
  }
  if (r.lines.empty()) {
    return api::invalid_param("line_items", "parameter_missing",
                              "Missing required param: line_items.");
  }
  for (RateRequest& rate : r.rates) {
    if (auto e = check_rate(rate)) return e;
  }
  if (r.allowed_countries && r.allowed_countries->empty()) {
    return api::invalid_param("shipping_address_collection[allowed_countries]", "parameter_missing",
                              "shipping_address_collection needs allowed_countries, such as "
                              "[\"US\", \"CA\"].");
  }
  if (r.allowed_countries) {
    for (std::string& c : *r.allowed_countries) {
      c = d::upper_code(std::move(c));
      if (!d::valid_country(c) || c.empty()) {
        return api::invalid_param("shipping_address_collection[allowed_countries]",
                                  "parameter_invalid",
                                  "allowed_countries must be two-letter ISO 3166-1 codes, such "
                                  "as US.");
      }
    }
  }
  s.expires_at = d::UnixSeconds{r.expires_at.value_or(now.value + kDefaultLifetimeSeconds)};
  return std::nullopt;
}

// The catalog writes and reads of one attempt: prices and products loaded, guarded, made.
struct Catalog {
  api::CommandService& commands;
  api::Transaction& tx;
  std::map<std::string, api::Loaded<products::Module>> product_at;  // as loaded
  std::map<std::string, std::vector<products::Event>> product_events;
  std::vector<std::pair<api::Loaded<prices::Module>, std::vector<prices::Event>>> new_prices;

  // The product as this request leaves it so far.
  Expected<products::State, ApiError> product(const std::string& id) {
    if (!product_at.contains(id)) {
      auto loaded = tx.load<products::Module>(id);
      if (!loaded) return Unexpected{loaded.error()};
      product_at.emplace(id, std::move(*loaded));
    }
    const auto& events = product_events[id];
    return api::after(product_at.at(id), events, tx.merchant(), tx.now()).state;
  }
  void stage(const std::string& product, std::vector<products::Event> events) {
    auto& staged = product_events[product];
    staged.insert(staged.end(), events.begin(), events.end());
  }
};

struct Resolved {
  orders::LineItem item;
  d::Currency currency;
  bool shippable = false;
};

ApiError param_error(const std::string& param, const std::string& code,
                     const std::string& message) {
  return api::invalid_param(param, code, message);
}

Expected<Resolved, ApiError> existing_price(Catalog& c, const LineRequest& line) {
  const std::string param = line.param + "[price]";
  auto loaded = c.tx.load<prices::Module>(*line.price);
  if (!loaded) return Unexpected{loaded.error()};
  if (!loaded->state) {
    return Unexpected{
        param_error(param, "resource_missing", "No such price: '" + *line.price + "'.")};
  }
  const prices::Price& price = *loaded->state;
  if (!price.active) {
    return Unexpected{param_error(
        param, "price_inactive", "The price " + *line.price + " is inactive; pass an active one.")};
  }
  c.tx.guard(*line.price, loaded->version);
  auto product = c.product(price.product.value);
  if (!product) return Unexpected{product.error()};
  Resolved r{{}, price.currency, false};
  r.item.price = price.id;
  r.item.product = price.product;
  r.item.unit_amount = price.unit_amount;
  if (*product) {
    r.item.description = (*product)->details.name;
    r.shippable = (*product)->details.shippable.value_or(false);
  }
  return r;
}

// price_data: a new inactive price of an existing product, or of a new one (product_data).
Expected<Resolved, ApiError> inline_price(Catalog& c, const LineRequest& line) {
  const std::string data = line.param + "[price_data]";
  auto currency = d::Currency::parse(line.currency);
  if (!currency) {
    return Unexpected{param_error(data + "[currency]", "parameter_invalid",
                                  "currency must be a supported lowercase ISO 4217 code.")};
  }
  if (line.product.has_value() == line.product_name.has_value()) {
    return Unexpected{param_error(data + "[product]", "parameter_missing",
                                  "price_data needs product or product_data[name], one of them.")};
  }
  std::string product_id = line.product.value_or(c.commands.new_id("prod"));
  if (line.product_name) {
    products::Details details;
    details.name = *line.product_name;
    auto made = products::decide(std::nullopt,
                                 products::CreateProduct{products::ProductId{product_id}, details});
    if (!made) {
      return Unexpected{
          products::rejection_error(made.error(), product_id, data + "[product_data][name]")};
    }
    c.product_at.emplace(product_id, api::Loaded<products::Module>{product_id, 0, std::nullopt});
    c.stage(product_id, std::move(*made));
  }
  auto product = c.product(product_id);
  if (!product) return Unexpected{product.error()};
  const prices::PriceId price_id{c.commands.new_id("price")};
  auto added = products::decide(*product, products::AddPrice{price_id});
  if (!added) {
    return Unexpected{products::rejection_error(added.error(), product_id, data + "[product]")};
  }
  c.stage(product_id, std::move(*added));
  prices::CreatePrice cmd{
      price_id, products::ProductId{product_id}, line.currency, *line.unit_amount, "", false, {}};
  auto price = prices::decide(std::nullopt, cmd);
  if (!price) {
    return Unexpected{param_error(data + "[unit_amount]", "parameter_invalid_integer",
                                  "unit_amount must be from 0 to 99999999 (minor units).")};
  }
  c.new_prices.emplace_back(api::Loaded<prices::Module>{price_id.value, 0, std::nullopt},
                            std::move(*price));
  Resolved r{{}, *currency, (*product)->details.shippable.value_or(false)};
  r.item.price = price_id;
  r.item.product = products::ProductId{product_id};
  r.item.unit_amount = d::Amount::of_minor(*line.unit_amount);
  r.item.description = (*product)->details.name;
  return r;
}

Expected<Resolved, ApiError> resolve(Catalog& c, const LineRequest& line) {
  if (line.price.has_value() == line.unit_amount.has_value()) {
    return Unexpected{param_error(line.param + "[price]", "parameter_missing",
                                  line.param + " needs price or price_data, one of them.")};
  }
  if (line.quantity < 1 || line.quantity > 999'999) {
    return Unexpected{param_error(line.param + "[quantity]", "parameter_invalid_integer",
                                  "quantity must be an integer from 1 to 999999.")};
  }
  auto r = line.price ? existing_price(c, line) : inline_price(c, line);
  if (r) {
    r->item.id = c.commands.new_id("csli");
    r->item.quantity = line.quantity;
  }
  return r;
}

struct Ids {
  std::string session, intent, secret;
};

// The session's catalog lines, its shipping options and whether it collects an address.
Expected<CreateSession, ApiError> session_command(Catalog& catalog, const CreateRequest& r,
                                                  d::UnixSeconds now) {
  CreateSession cmd{r.session, {}, {}, now};
  SessionCreated& s = cmd.session;
  bool shippable = false;
  for (const LineRequest& line : r.lines) {
    auto resolved = resolve(catalog, line);
    if (!resolved) return Unexpected{resolved.error()};
    s.line_items.push_back(resolved->item);
    cmd.line_currencies.push_back(resolved->currency);
    shippable = shippable || resolved->shippable;
  }
  s.currency = cmd.line_currencies.front();
  for (const RateRequest& rate : r.rates) {
    orders::ShippingRate made = rate.rate;
    made.id = catalog.commands.new_id("shr");
    made.amount = d::Amount::of_minor(rate.amount);
    s.shipping_options.push_back(std::move(made));
    cmd.shipping_currencies.push_back(*d::Currency::parse(rate.currency));
  }
  // An explicit setting wins; else products that ship turn collection on (seed 004).
  s.collects_shipping_address = r.allowed_countries.has_value() || shippable;
  if (r.allowed_countries) s.allowed_countries = *r.allowed_countries;
  return cmd;
}

// A session lives on its customer's test clock, if any: its expiry is that clock's time. The
// customer must be the merchant's and live (guarded), told after the request's other errors.
api::Attempt attempt(api::Transaction& tx, Call& call, CreateRequest& r, const Ids& ids) {
  api::CommandService& commands = call.commands;
  auto customer = tx.reference<customers::Module>(r.session.customer, "customer");
  if (!customer && customer.error().http_status >= 500) return Unexpected{customer.error()};
  r.session.test_clock = customer ? customer->clock : std::string();
  auto now = tx.live_on(r.session.test_clock);
  if (!now) return Unexpected{now.error()};
  if (auto e = check_request(r, *now)) return Unexpected{*e};
  if (r.session.ui_mode == UiMode::hosted) {  // known once check_request has read it
    r.session.url = call.transport.base_url + "/checkout/" + ids.session +
                    "?key=" + ids.secret.substr(ids.secret.rfind('_') + 1);
  }
  Catalog catalog{commands, tx, {}, {}, {}};
  auto cmd = session_command(catalog, r, *now);
  if (!cmd) return Unexpected{cmd.error()};
  if (!customer) return Unexpected{customer.error()};
  auto decision = decide(std::nullopt, *cmd);
  if (!decision) {
    return Unexpected{rejection_error(decision.error(), ids.session, std::nullopt)};
  }
  const api::Loaded<Module> fresh{ids.session, 0, std::nullopt};
  const SessionCreated& s = cmd->session;
  const auto session = api::after(fresh, *decision, tx.merchant(), *now).state;
  payment_intents::CreateIntent intent{payment_intents::PaymentIntentId{ids.intent},
                                       session->amount_total_minor(),
                                       std::string(s.currency.code()),
                                       r.capture_method,
                                       s.customer,
                                       r.intent_description,
                                       r.intent_metadata,
                                       std::nullopt,
                                       ids.intent + "_secret_" + commands.new_id("x").substr(2),
                                       *now,
                                       ids.session,
                                       s.test_clock};
  const api::Loaded<payment_intents::Module> no_intent{ids.intent, 0, std::nullopt};
  auto intent_events = payment_intents::decide(no_intent.state, intent);
  if (!intent_events) {
    return Unexpected{payment_intents::rejection_error(intent_events.error())};
  }
  for (const auto& [product, events] : catalog.product_events) {
    if (!events.empty()) (void)tx.add(catalog.product_at.at(product), events);
  }
  for (const auto& [at, events] : catalog.new_prices) (void)tx.add(at, events);
  const auto next = tx.add(fresh, *decision);
  (void)tx.add(no_intent, *intent_events);
  return Outcome{200, render(*next), {}};
}

}  // namespace

Outcome create(Call& call) {
  Params& p = call.params;
  CreateRequest r = read_create(p);
  if (r.line_count > kMaxLineItems) {
    return api::error_outcome(api::invalid_param("line_items", "parameter_invalid",
                                                 "line_items may hold at most 100 items."));
  }
  if (r.rate_count > kMaxShippingOptions) {
    return api::error_outcome(api::invalid_param("shipping_options", "parameter_invalid",
                                                 "shipping_options may hold at most 10 options."));
  }
  if (auto e = p.finish()) return api::error_outcome(*e);
  Ids ids{call.commands.new_id("cs"), call.commands.new_id("pi"), ""};
  ids.secret = ids.session + "_secret_" + call.commands.new_id("x").substr(2);
  r.session.id = SessionId{ids.session};
  r.session.payment_intent = payment_intents::PaymentIntentId{ids.intent};
  r.session.client_secret = ids.secret;
  return api::transact(
      call.commands, call.merchant, call.idempotency,
      [&](api::Transaction& tx) -> api::Attempt { return attempt(tx, call, r, ids); });
}

}  // namespace payledger::checkout_sessions
