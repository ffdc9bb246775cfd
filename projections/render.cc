#include "projections/render.h"

#include <simdjson.h>

#include "eventstore/json_reader.h"
#include "eventstore/json_writer.h"

namespace payledger::projections {
namespace {

namespace d = domain;

// --- rendering -------------------------------------------------------------------------------

using eventstore::JsonWriter;

void charge_object(JsonWriter& w, const d::PaymentIntent& pi, const d::Charge& c) {
  w.begin_object();
  w.text("id", c.id.value);
  w.text("object", "charge");
  w.number("amount", c.amount.minor());
  w.number("amount_captured", c.amount_captured.minor());
  w.number("amount_refunded", c.amount_refunded.minor());
  w.flag("captured", c.captured);
  w.flag("refunded", c.captured && c.amount_refunded == c.amount_captured);
  w.text("currency", pi.amount.currency.code());
  w.text("status", d::to_string(c.status));
  w.text("payment_intent", pi.id.value);
  w.text_or_null("payment_method", c.payment_method.value);
  w.text_or_null("failure_code", c.failure_code);
  w.text_or_null("failure_message", c.failure_message);
  w.metadata("metadata", {});
  w.number("created", c.created.value);
  w.flag("livemode", false);
  w.end_object();
}

void payment_error(JsonWriter& w, const std::optional<d::PaymentError>& e) {
  w.key("last_payment_error");
  if (!e) {
    w.null();
    return;
  }
  w.begin_object();
  w.text("type", "payment_error");  // seed 001
  w.text("code", e->code);
  w.text_or_null("decline_code", e->decline_code);
  w.text("message", e->message);
  w.text("payment_method", e->payment_method.value);
  w.text("charge", e->charge.value);
  w.end_object();
}

void next_action(JsonWriter& w, const std::optional<d::NextAction>& a) {
  w.key("next_action");
  if (!a) {
    w.null();
    return;
  }
  w.begin_object();
  w.text("type", "redirect_to_url");
  w.key("redirect_to_url");
  w.begin_object();
  w.text("url", a->redirect_url);
  w.text_or_null("return_url", a->return_url);
  w.end_object();
  w.end_object();
}

void charges_list(JsonWriter& w, const d::PaymentIntent& pi) {
  w.key("charges");
  w.begin_object();
  w.text("object", "list");
  w.key("data");
  w.begin_array();
  for (const auto& c : pi.charges) charge_object(w, pi, c);
  w.end_array();
  w.flag("has_more", false);
  w.key("next_cursor");
  w.null();
  w.text("url", charges_url(pi.id));
  w.end_object();
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
  JsonWriter w;
  w.begin_object();
  w.text("id", pi.id.value);
  w.text("object", "payment_intent");
  w.number("amount", pi.amount.amount.minor());
  w.number("amount_capturable", pi.amount_capturable.minor());
  w.number("amount_received", pi.amount_received.minor());
  w.text("currency", pi.amount.currency.code());
  w.text("status", d::to_string(pi.status));
  w.text("capture_method", d::to_string(pi.capture_method));
  w.text("confirmation_method", "automatic");
  w.text_or_null("customer", pi.customer);
  w.text_or_null("description", pi.description);
  w.text_or_null("payment_method", eventstore::text_of(pi.payment_method));
  w.metadata("metadata", pi.metadata);
  w.text("merchant_id", pi.merchant.value);
  w.text("client_secret", pi.client_secret);
  payment_error(w, pi.last_payment_error);
  next_action(w, pi.next_action);
  charges_list(w, pi);
  w.key("canceled_at");
  if (pi.canceled_at) {
    w.number_value(pi.canceled_at->value);
  } else {
    w.null();
  }
  w.text_or_null("cancellation_reason", eventstore::text_of(pi.cancellation_reason));
  w.flag("livemode", false);
  w.number("created", pi.created.value);
  w.end_object();
  return w.take();
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
  JsonWriter w;
  w.begin_object();
  w.text("id", r.id.value);
  w.text("object", "refund");
  w.number("amount", r.amount.minor());
  w.text("currency", r.currency.code());
  w.text("payment_intent", meta.stream_id);
  w.text("charge", r.charge_id.value);
  w.text_or_null("reason", eventstore::text_of(r.reason));
  w.text("status", "succeeded");
  w.metadata("metadata", r.metadata);
  w.text("merchant_id", meta.merchant.value);
  w.flag("livemode", false);
  w.number("created", meta.occurred_at.value);
  w.end_object();
  return w.take();
}

}  // namespace payledger::projections
