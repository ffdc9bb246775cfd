#include "eventstore/codec.h"

#include <simdjson.h>

#include "domain/overloaded.h"
#include "eventstore/json_reader.h"
#include "eventstore/json_writer.h"

namespace payledger::eventstore {
namespace {

namespace d = domain;

// Writes the "data" object of an event (docs/events.md).
void write_data(JsonWriter& w, const d::Event& e) {
  w.key("data");
  w.begin_object();
  std::visit(Overloaded{
                 [&](const d::IntentCreated& c) {
                   w.text("id", c.id.value);
                   w.number("amount", c.amount.amount.minor());
                   w.text("currency", c.amount.currency.code());
                   w.text("capture_method", d::to_string(c.capture_method));
                   w.text_or_null("customer", c.customer);
                   w.text_or_null("description", c.description);
                   w.metadata("metadata", c.metadata);
                   w.text_or_null("payment_method", text_of(c.payment_method));
                   w.text("client_secret", c.client_secret);
                 },
                 [&](const d::IntentConfirmed& c) {
                   w.text("payment_method", c.payment_method.value);
                   w.text_or_null("return_url", c.return_url);
                 },
                 [&](const d::IntentRequiresAction& c) { w.text("redirect_url", c.redirect_url); },
                 [&](const d::IntentProcessing& c) { w.text("charge", c.charge_id.value); },
                 [&](const d::IntentAuthorized& c) {
                   w.text("charge", c.charge_id.value);
                   w.number("amount", c.amount.minor());
                 },
                 [&](const d::IntentCaptured& c) {
                   w.text("charge", c.charge_id.value);
                   w.number("amount", c.amount.minor());
                 },
                 [&](const d::IntentPaymentFailed& c) {
                   w.text("charge", c.charge_id.value);
                   w.text("payment_method", c.payment_method.value);
                   w.text("code", c.code);
                   w.text_or_null("decline_code", c.decline_code);
                   w.text("message", c.message);
                 },
                 [&](const d::IntentCanceled& c) {
                   w.text("cancellation_reason", d::to_string(c.reason));
                 },
                 [&](const d::RefundCreated& c) {
                   w.text("id", c.id.value);
                   w.text("charge", c.charge_id.value);
                   w.number("amount", c.amount.minor());
                   w.text("currency", c.currency.code());
                   w.text_or_null("reason", text_of(c.reason));
                   w.metadata("metadata", c.metadata);
                 },
                 [&](const d::MerchantCreated& c) {
                   w.text("id", c.id.value);
                   w.text("name", c.name);
                 },
                 [&](const d::ApiKeyCreated& c) {
                   w.text("key_sha256", c.key_sha256);
                   w.text("key_last4", c.key_last4);
                 },
             },
             e);
  w.end_object();
}

// --- decoding -----------------------------------------------------------------------------

using Reader = JsonReader;

d::Event decode_intent_event(std::string_view type, const Reader& r) {
  if (type == "payment_intent.created") {
    d::IntentCreated c;
    c.id = d::PaymentIntentId{r.str("id")};
    c.amount = d::Money{r.amount("amount"), r.currency("currency")};
    c.capture_method = r.parsed<d::CaptureMethod>("capture_method", d::parse_capture_method);
    c.customer = r.optional_str("customer");
    c.description = r.optional_str("description");
    c.metadata = r.metadata("metadata");
    if (auto pm = r.optional_str("payment_method"); !pm.empty()) {
      c.payment_method = d::PaymentMethodId{pm};
    }
    c.client_secret = r.str("client_secret");
    return c;
  }
  if (type == "payment_intent.confirmed") {
    return d::IntentConfirmed{d::PaymentMethodId{r.str("payment_method")},
                              r.optional_str("return_url")};
  }
  if (type == "payment_intent.requires_action") {
    return d::IntentRequiresAction{r.str("redirect_url")};
  }
  if (type == "payment_intent.processing") return d::IntentProcessing{d::ChargeId{r.str("charge")}};
  if (type == "payment_intent.authorized") {
    return d::IntentAuthorized{d::ChargeId{r.str("charge")}, r.amount("amount")};
  }
  if (type == "payment_intent.captured") {
    return d::IntentCaptured{d::ChargeId{r.str("charge")}, r.amount("amount")};
  }
  if (type == "payment_intent.payment_failed") {
    return d::IntentPaymentFailed{d::ChargeId{r.str("charge")},
                                  d::PaymentMethodId{r.str("payment_method")}, r.str("code"),
                                  r.optional_str("decline_code"), r.str("message")};
  }
  if (type == "payment_intent.canceled") {
    return d::IntentCanceled{r.parsed<d::CancellationReason>(
        "cancellation_reason", d::parse_recorded_cancellation_reason)};
  }
  throw JsonFieldError{"unknown event type " + std::string(type)};
}

d::Event decode_body(std::string_view type, const Reader& r) {
  if (type == "refund.created") {
    d::RefundCreated c;
    c.id = d::RefundId{r.str("id")};
    c.charge_id = d::ChargeId{r.str("charge")};
    c.amount = r.amount("amount");
    c.currency = r.currency("currency");
    if (auto reason = r.optional_str("reason"); !reason.empty()) {
      c.reason = r.parsed<d::RefundReason>("reason", d::parse_refund_reason);
    }
    c.metadata = r.metadata("metadata");
    return c;
  }
  if (type == "merchant.created")
    return d::MerchantCreated{d::MerchantId{r.str("id")}, r.str("name")};
  if (type == "api_key.created") return d::ApiKeyCreated{r.str("key_sha256"), r.str("key_last4")};
  return decode_intent_event(type, r);
}

}  // namespace

std::string encode_event(const domain::EventMeta& meta, const domain::Event& body) {
  JsonWriter w;
  w.begin_object();
  w.text("id", meta.id.value);
  w.text("type", domain::event_type(body));
  w.number("schema_version", domain::kEventSchemaVersion);
  w.text("stream_id", meta.stream_id);
  w.number("stream_version", static_cast<std::int64_t>(meta.version.value));
  w.text("merchant_id", meta.merchant.value);
  w.number("occurred_at", meta.occurred_at.value);
  write_data(w, body);
  w.end_object();
  return w.take();
}

Expected<domain::Recorded, Status> decode_event(std::string_view payload) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(payload.data(), payload.size()).get(root) != simdjson::SUCCESS) {
    return Unexpected{Status::corruption("event is not JSON")};
  }
  try {
    const Reader envelope(root);
    if (envelope.i64("schema_version") != domain::kEventSchemaVersion) {
      throw JsonFieldError{"schema_version"};
    }
    domain::Recorded rec;
    rec.meta.id = domain::EventId{envelope.str("id")};
    rec.meta.stream_id = envelope.str("stream_id");
    rec.meta.version =
        domain::StreamVersion{static_cast<std::uint64_t>(envelope.i64("stream_version"))};
    rec.meta.merchant = domain::MerchantId{envelope.str("merchant_id")};
    rec.meta.occurred_at = domain::UnixSeconds{envelope.i64("occurred_at")};
    simdjson::dom::element data;
    if (root["data"].get(data) != simdjson::SUCCESS) throw JsonFieldError{"data"};
    rec.body = decode_body(envelope.str("type"), Reader(data));
    return rec;
  } catch (const JsonFieldError& e) {
    return Unexpected{Status::corruption("event field " + e.what)};
  }
}

}  // namespace payledger::eventstore
