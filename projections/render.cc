#include "projections/render.h"

#include <simdjson.h>

#include <nlohmann/json.hpp>
#include "eventstore/json_fields.h"
#include "eventstore/json_reader.h"

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

using eventstore::JsonReader;

d::Charge parse_charge(const JsonReader& c) {
  d::Charge out;
  out.id = d::ChargeId{c.str("id")};
  out.amount = c.amount("amount");
  out.amount_captured = c.amount("amount_captured");
  out.amount_refunded = c.amount("amount_refunded");
  out.captured = c.boolean("captured");
  out.status = c.parsed<d::ChargeStatus>("status", d::parse_charge_status);
  out.payment_method = d::PaymentMethodId{c.nullable_str("payment_method")};
  out.failure_code = c.nullable_str("failure_code");
  out.failure_message = c.nullable_str("failure_message");
  out.created = d::UnixSeconds{c.i64("created")};
  return out;
}

void parse_optionals(const JsonReader& r, d::PaymentIntent& pi) {
  if (auto pm = r.nullable_str("payment_method"); !pm.empty()) {
    pi.payment_method = d::PaymentMethodId{pm};
  }
  if (!r.is_null("last_payment_error")) {
    const JsonReader e = r.object("last_payment_error");
    pi.last_payment_error =
        d::PaymentError{e.str("code"), e.nullable_str("decline_code"), e.str("message"),
                        d::PaymentMethodId{e.str("payment_method")}, d::ChargeId{e.str("charge")}};
  }
  if (!r.is_null("next_action")) {
    const JsonReader redirect = r.object("next_action").object("redirect_to_url");
    pi.next_action = d::NextAction{redirect.str("url"), redirect.nullable_str("return_url")};
  }
  if (!r.is_null("canceled_at")) pi.canceled_at = d::UnixSeconds{r.i64("canceled_at")};
  if (!r.is_null("cancellation_reason")) {
    pi.cancellation_reason = r.parsed<d::CancellationReason>("cancellation_reason",
                                                             d::parse_recorded_cancellation_reason);
  }
}

d::PaymentIntent parse_root(const JsonReader& r) {
  d::PaymentIntent pi;
  pi.id = d::PaymentIntentId{r.str("id")};
  pi.merchant = d::MerchantId{r.str("merchant_id")};
  pi.amount = d::Money{r.amount("amount"), r.currency("currency")};
  pi.amount_capturable = r.amount("amount_capturable");
  pi.amount_received = r.amount("amount_received");
  pi.status = r.parsed<d::IntentStatus>("status", d::parse_intent_status);
  pi.capture_method = r.parsed<d::CaptureMethod>("capture_method", d::parse_capture_method);
  pi.customer = r.nullable_str("customer");
  pi.description = r.nullable_str("description");
  pi.metadata = r.metadata("metadata");
  pi.client_secret = r.str("client_secret");
  parse_optionals(r, pi);
  simdjson::dom::array charges;
  if (r.object("charges").field("data").get(charges) != simdjson::SUCCESS) {
    throw eventstore::JsonFieldError{"array charges.data"};
  }
  for (simdjson::dom::element c : charges) {
    pi.charges.push_back(parse_charge(JsonReader(c)));
    if (pi.charges.back().captured) pi.amount_refunded = pi.charges.back().amount_refunded;
  }
  pi.created = d::UnixSeconds{r.i64("created")};
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
  simdjson::dom::element root;
  if (parser.parse(json.data(), json.size()).get(root) != simdjson::SUCCESS) {
    return Unexpected{std::string("payment intent view is not JSON")};
  }
  try {
    return parse_root(JsonReader(root));
  } catch (const eventstore::JsonFieldError& e) {
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
