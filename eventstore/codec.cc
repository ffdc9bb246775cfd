#include "eventstore/codec.h"

#include <simdjson.h>

#include <nlohmann/json.hpp>
#include "domain/overloaded.h"
#include "eventstore/json_fields.h"
#include "eventstore/json_reader.h"

namespace payledger::eventstore {
namespace {

namespace d = domain;

Json data_of(const d::Event& e) {
  return std::visit(
      Overloaded{
          [](const d::IntentCreated& c) {
            return Json{{"id", c.id.value},
                        {"amount", c.amount.amount.minor()},
                        {"currency", c.amount.currency.code()},
                        {"capture_method", d::to_string(c.capture_method)},
                        {"customer", or_null(c.customer)},
                        {"description", or_null(c.description)},
                        {"metadata", metadata_json(c.metadata)},
                        {"payment_method",
                         c.payment_method ? Json(c.payment_method->value) : Json(nullptr)},
                        {"client_secret", c.client_secret}};
          },
          [](const d::IntentConfirmed& c) {
            return Json{{"payment_method", c.payment_method.value},
                        {"return_url", or_null(c.return_url)}};
          },
          [](const d::IntentRequiresAction& c) {
            return Json{{"redirect_url", c.redirect_url}};
          },
          [](const d::IntentProcessing& c) {
            return Json{{"charge", c.charge_id.value}};
          },
          [](const d::IntentAuthorized& c) {
            return Json{{"charge", c.charge_id.value}, {"amount", c.amount.minor()}};
          },
          [](const d::IntentCaptured& c) {
            return Json{{"charge", c.charge_id.value}, {"amount", c.amount.minor()}};
          },
          [](const d::IntentPaymentFailed& c) {
            return Json{{"charge", c.charge_id.value},
                        {"payment_method", c.payment_method.value},
                        {"code", c.code},
                        {"decline_code", or_null(c.decline_code)},
                        {"message", c.message}};
          },
          [](const d::IntentCanceled& c) {
            return Json{{"cancellation_reason", d::to_string(c.reason)}};
          },
          [](const d::RefundCreated& c) {
            return Json{{"id", c.id.value},
                        {"charge", c.charge_id.value},
                        {"amount", c.amount.minor()},
                        {"currency", c.currency.code()},
                        {"reason", c.reason ? Json(d::to_string(*c.reason)) : Json(nullptr)},
                        {"metadata", metadata_json(c.metadata)}};
          },
          [](const d::MerchantCreated& c) {
            return Json{{"id", c.id.value}, {"name", c.name}};
          },
          [](const d::ApiKeyCreated& c) {
            return Json{{"key_sha256", c.key_sha256}, {"key_last4", c.key_last4}};
          },
      },
      e);
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
  const Json envelope{{"id", meta.id.value},
                      {"type", domain::event_type(body)},
                      {"schema_version", domain::kEventSchemaVersion},
                      {"stream_id", meta.stream_id},
                      {"stream_version", meta.version.value},
                      {"merchant_id", meta.merchant.value},
                      {"occurred_at", meta.occurred_at.value},
                      {"data", data_of(body)}};
  return envelope.dump();
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
