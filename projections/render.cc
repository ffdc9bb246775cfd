#include "projections/render.h"

#include <simdjson.h>

#include <nlohmann/json.hpp>
#include "eventstore/json_fields.h"

namespace payledger::projections {
namespace {

using eventstore::Json;
using eventstore::metadata_json;
using eventstore::or_null;
namespace d = domain;

Json charge_json(const d::PaymentIntent& pi, const d::Charge& c) {
  return Json{{"id", c.id.value},
              {"object", "charge"},
              {"amount", c.amount.minor()},
              {"amount_captured", c.amount_captured.minor()},
              {"amount_refunded", c.amount_refunded.minor()},
              {"captured", c.captured},
              {"refunded", c.captured && c.amount_refunded == c.amount_captured},
              {"currency", pi.amount.currency.code()},
              {"status", d::to_string(c.status)},
              {"payment_intent", pi.id.value},
              {"payment_method", or_null(c.payment_method.value)},
              {"failure_code", or_null(c.failure_code)},
              {"failure_message", or_null(c.failure_message)},
              {"metadata", Json::object()},
              {"created", c.created.value},
              {"livemode", false}};
}

Json error_json(const std::optional<d::PaymentError>& e) {
  if (!e) return nullptr;
  return Json{{"type", "payment_error"},  // seed 001
              {"code", e->code},          {"decline_code", or_null(e->decline_code)},
              {"message", e->message},    {"payment_method", e->payment_method.value},
              {"charge", e->charge.value}};
}

Json next_action_json(const std::optional<d::NextAction>& a) {
  if (!a) return nullptr;
  return Json{
      {"type", "redirect_to_url"},
      {"redirect_to_url", {{"url", a->redirect_url}, {"return_url", or_null(a->return_url)}}}};
}

// --- parsing --------------------------------------------------------------------------------

struct ParseError {
  std::string what;
};

using Element = simdjson::dom::element;

Element field(Element obj, const char* key) {
  Element e;
  if (obj[key].get(e) != simdjson::SUCCESS) throw ParseError{key};
  return e;
}
std::string str(Element obj, const char* key) {
  std::string_view v;
  if (field(obj, key).get(v) != simdjson::SUCCESS) throw ParseError{key};
  return std::string(v);
}
std::string str_or_empty(Element obj, const char* key) {
  Element e = field(obj, key);
  return e.is_null() ? std::string() : str(obj, key);
}
std::int64_t i64(Element obj, const char* key) {
  std::int64_t v = 0;
  if (field(obj, key).get(v) != simdjson::SUCCESS) throw ParseError{key};
  return v;
}
d::Amount amount(Element obj, const char* key) {
  const std::int64_t v = i64(obj, key);
  if (v < 0 || v > d::kMaxAmountMinor) throw ParseError{key};
  return d::Amount::of_minor(v);
}
bool boolean(Element obj, const char* key) {
  bool v = false;
  if (field(obj, key).get(v) != simdjson::SUCCESS) throw ParseError{key};
  return v;
}
template <class T>
T parsed(Element obj, const char* key, std::optional<T> (*parse)(std::string_view)) {
  auto v = parse(str(obj, key));
  if (!v) throw ParseError{key};
  return *v;
}

d::Charge parse_charge(Element c) {
  d::Charge out;
  out.id = d::ChargeId{str(c, "id")};
  out.amount = amount(c, "amount");
  out.amount_captured = amount(c, "amount_captured");
  out.amount_refunded = amount(c, "amount_refunded");
  out.captured = boolean(c, "captured");
  out.status = parsed<d::ChargeStatus>(c, "status", d::parse_charge_status);
  out.payment_method = d::PaymentMethodId{str_or_empty(c, "payment_method")};
  out.failure_code = str_or_empty(c, "failure_code");
  out.failure_message = str_or_empty(c, "failure_message");
  out.created = d::UnixSeconds{i64(c, "created")};
  return out;
}

void parse_optionals(Element root, d::PaymentIntent& pi) {
  if (auto pm = str_or_empty(root, "payment_method"); !pm.empty()) {
    pi.payment_method = d::PaymentMethodId{pm};
  }
  if (Element e = field(root, "last_payment_error"); !e.is_null()) {
    pi.last_payment_error = d::PaymentError{
        str(e, "code"), str_or_empty(e, "decline_code"), str(e, "message"),
        d::PaymentMethodId{str(e, "payment_method")}, d::ChargeId{str(e, "charge")}};
  }
  if (Element e = field(root, "next_action"); !e.is_null()) {
    Element r = field(e, "redirect_to_url");
    pi.next_action = d::NextAction{str(r, "url"), str_or_empty(r, "return_url")};
  }
  if (Element e = field(root, "canceled_at"); !e.is_null()) {
    pi.canceled_at = d::UnixSeconds{i64(root, "canceled_at")};
  }
  if (auto reason = str_or_empty(root, "cancellation_reason"); !reason.empty()) {
    pi.cancellation_reason = reason == "automatic"
                                 ? d::CancellationReason::automatic
                                 : parsed<d::CancellationReason>(root, "cancellation_reason",
                                                                 d::parse_cancellation_reason);
  }
}

d::PaymentIntent parse_root(Element root) {
  d::PaymentIntent pi;
  pi.id = d::PaymentIntentId{str(root, "id")};
  pi.merchant = d::MerchantId{str(root, "merchant_id")};
  auto currency = d::Currency::parse(str(root, "currency"));
  if (!currency) throw ParseError{"currency"};
  pi.amount = d::Money{amount(root, "amount"), *currency};
  pi.amount_capturable = amount(root, "amount_capturable");
  pi.amount_received = amount(root, "amount_received");
  pi.status = parsed<d::IntentStatus>(root, "status", d::parse_intent_status);
  pi.capture_method = parsed<d::CaptureMethod>(root, "capture_method", d::parse_capture_method);
  pi.customer = str_or_empty(root, "customer");
  pi.description = str_or_empty(root, "description");
  simdjson::dom::object meta;
  if (field(root, "metadata").get(meta) != simdjson::SUCCESS) throw ParseError{"metadata"};
  for (auto kv : meta) {
    std::string_view v;
    if (kv.value.get(v) != simdjson::SUCCESS) throw ParseError{"metadata"};
    pi.metadata.emplace(std::string(kv.key), std::string(v));
  }
  pi.client_secret = str(root, "client_secret");
  parse_optionals(root, pi);
  simdjson::dom::array charges;
  if (field(field(root, "charges"), "data").get(charges) != simdjson::SUCCESS) {
    throw ParseError{"charges"};
  }
  for (Element c : charges) {
    pi.charges.push_back(parse_charge(c));
    if (pi.charges.back().captured) pi.amount_refunded = pi.charges.back().amount_refunded;
  }
  pi.created = d::UnixSeconds{i64(root, "created")};
  return pi;
}

}  // namespace

std::string charges_url(const domain::PaymentIntentId& id) {
  return "/v1/charges?payment_intent=" + id.value;
}

std::string render_intent(const domain::PaymentIntent& pi) {
  Json charges = Json::array();
  for (const auto& c : pi.charges) charges.push_back(charge_json(pi, c));
  const Json j{
      {"id", pi.id.value},
      {"object", "payment_intent"},
      {"amount", pi.amount.amount.minor()},
      {"amount_capturable", pi.amount_capturable.minor()},
      {"amount_received", pi.amount_received.minor()},
      {"currency", pi.amount.currency.code()},
      {"status", d::to_string(pi.status)},
      {"capture_method", d::to_string(pi.capture_method)},
      {"confirmation_method", "automatic"},
      {"customer", or_null(pi.customer)},
      {"description", or_null(pi.description)},
      {"payment_method", pi.payment_method ? Json(pi.payment_method->value) : Json(nullptr)},
      {"metadata", metadata_json(pi.metadata)},
      {"merchant_id", pi.merchant.value},
      {"client_secret", pi.client_secret},
      {"last_payment_error", error_json(pi.last_payment_error)},
      {"next_action", next_action_json(pi.next_action)},
      {"charges",
       {{"object", "list"},
        {"data", std::move(charges)},
        {"has_more", false},
        {"next_cursor", nullptr},
        {"url", charges_url(pi.id)}}},
      {"canceled_at", pi.canceled_at ? Json(pi.canceled_at->value) : Json(nullptr)},
      {"cancellation_reason",
       pi.cancellation_reason ? Json(d::to_string(*pi.cancellation_reason)) : Json(nullptr)},
      {"livemode", false},
      {"created", pi.created.value},
  };
  return j.dump();
}

Expected<domain::PaymentIntent, std::string> parse_intent(std::string_view json) {
  thread_local simdjson::dom::parser parser;
  Element root;
  if (parser.parse(json.data(), json.size()).get(root) != simdjson::SUCCESS) {
    return Unexpected{std::string("payment intent view is not JSON")};
  }
  try {
    return parse_root(root);
  } catch (const ParseError& e) {
    return Unexpected{"payment intent view field " + e.what};
  }
}

std::string render_refund(const domain::EventMeta& meta, const domain::RefundCreated& r) {
  const Json j{{"id", r.id.value},
               {"object", "refund"},
               {"amount", r.amount.minor()},
               {"currency", r.currency.code()},
               {"payment_intent", meta.stream_id},
               {"charge", r.charge_id.value},
               {"reason", r.reason ? Json(d::to_string(*r.reason)) : Json(nullptr)},
               {"status", "succeeded"},
               {"metadata", metadata_json(r.metadata)},
               {"merchant_id", meta.merchant.value},
               {"livemode", false},
               {"created", meta.occurred_at.value}};
  return j.dump();
}

}  // namespace payledger::projections
