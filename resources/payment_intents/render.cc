#include "resources/payment_intents/render.h"

#include "json/writer.h"

namespace payledger::payment_intents {
namespace {

namespace d = domain;

// --- rendering -------------------------------------------------------------------------------

void charge_object(json::Writer& w, const PaymentIntent& pi, const Charge& c) {
  w.begin_object();
  w.text("id", c.id.value);
  w.text("object", "charge");
  w.number("amount", c.amount.minor());
  w.number("amount_captured", c.amount_captured.minor());
  w.number("amount_refunded", c.amount_refunded.minor());
  w.flag("captured", c.captured);
  w.flag("paid", c.status == ChargeStatus::succeeded);  // succeeded, or authorized
  w.flag("refunded", c.refunded);
  w.text("currency", pi.amount.currency.code());
  w.text("status", to_string(c.status));
  w.text("payment_intent", pi.id.value);
  w.text_or_null("payment_method", c.payment_method.value);
  w.text_or_null("failure_code", c.failure_code);
  w.text_or_null("failure_message", c.failure_message);
  w.metadata("metadata", {});
  w.number("created", c.created.value);
  w.flag("livemode", false);
  w.end_object();
}

void payment_error(json::Writer& w, const std::optional<PaymentError>& e) {
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

void next_action(json::Writer& w, const std::optional<NextAction>& a) {
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

void charges_list(json::Writer& w, const PaymentIntent& pi) {
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

}  // namespace

std::string charges_url(const PaymentIntentId& id) {
  return "/v1/charges?payment_intent=" + id.value;
}

std::string render_intent(const PaymentIntent& pi) {
  json::Writer w;
  w.begin_object();
  w.text("id", pi.id.value);
  w.text("object", "payment_intent");
  w.number("amount", pi.amount.amount.minor());
  w.number("amount_capturable", pi.amount_capturable.minor());
  w.number("amount_received", pi.amount_received.minor());
  w.text("currency", pi.amount.currency.code());
  w.text("status", to_string(pi.status));
  w.text("capture_method", to_string(pi.capture_method));
  w.text("confirmation_method", "automatic");
  w.text_or_null("customer", pi.customer);
  w.text_or_null("description", pi.description);
  w.text_or_null("payment_method", json::text_of(pi.payment_method));
  w.metadata("metadata", pi.metadata);
  w.text("merchant_id", pi.merchant.value);
  w.text("client_secret", pi.client_secret);
  payment_error(w, pi.last_payment_error);
  next_action(w, pi.next_action);
  charges_list(w, pi);
  // Stripe's since 2022-11-15, beside the seeds' charges list: the newest charge.
  w.text_or_null("latest_charge", pi.charges.empty() ? "" : pi.charges.back().id.value);
  w.key("canceled_at");
  if (pi.canceled_at) {
    w.number_value(pi.canceled_at->value);
  } else {
    w.null();
  }
  w.text_or_null("cancellation_reason", json::text_of(pi.cancellation_reason));
  w.flag("livemode", false);
  w.number("created", pi.created.value);
  w.end_object();
  return w.take();
}

std::string render_charge(const PaymentIntent& pi, const Charge& c) {
  json::Writer w;
  charge_object(w, pi, c);
  return w.take();
}

std::string render_refund(const PaymentIntent& pi, const Refund& r) {
  json::Writer w;
  w.begin_object();
  w.text("id", r.id.value);
  w.text("object", "refund");
  w.number("amount", r.amount.minor());
  w.text("currency", pi.amount.currency.code());
  w.text("payment_intent", pi.id.value);
  w.text("charge", r.charge.value);
  w.text_or_null("reason", json::text_of(r.reason));
  w.text("status", "succeeded");
  w.metadata("metadata", r.metadata);
  w.text("merchant_id", pi.merchant.value);
  w.flag("livemode", false);
  w.number("created", r.created.value);
  w.end_object();
  return w.take();
}

}  // namespace payledger::payment_intents
