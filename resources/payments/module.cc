#include "resources/payments/module.h"

#include "contract/aggregate_of.h"

namespace payledger::payments {
namespace {

namespace d = domain;

void write_time(json::Writer& w, std::string_view key, const std::optional<d::UnixSeconds>& t) {
  w.key(key);
  if (t) {
    w.number_value(t->value);
  } else {
    w.null();
  }
}

void write_card(json::Writer& w, const CardFacts& c) {
  w.key("card");
  w.begin_object();
  w.text("brand", c.brand);
  w.text("last4", c.last4);
  w.number("exp_month", c.exp_month);
  w.number("exp_year", c.exp_year);
  w.text_or_null("country", c.country);
  w.text("fingerprint", c.fingerprint);
  w.text_or_null("holder_name", c.holder_name);
  w.end_object();
}

void write_customer(json::Writer& w, const Customer& c) {
  w.key("customer");
  if (c.empty()) {
    w.null();
    return;
  }
  std::string name = c.first_name;
  if (!c.first_name.empty() && !c.last_name.empty()) name.push_back(' ');
  name += c.last_name;
  w.begin_object();
  w.text_or_null("email", c.email);
  w.text_or_null("name", name);
  w.end_object();
}

void write_refund(json::Writer& w, const Payment& p, const Refund& r) {
  w.begin_object();
  w.text("id", r.id.value);
  w.text("object", "payment_refund");
  w.number("amount", r.amount.minor());
  w.text("currency", p.currency.code());
  w.text("status", d::enum_name(r.status));
  w.text_or_null("reason", r.reason);
  w.number("created", r.created.value);
  write_time(w, "succeeded_at", r.status == RefundStatus::succeeded ? r.settled_at : std::nullopt);
  write_time(w, "failed_at", r.status == RefundStatus::failed ? r.settled_at : std::nullopt);
  w.text_or_null("failure_code", r.failure_code);
  w.text_or_null("failure_message", r.failure_message);
  w.end_object();
}

void write_next_action(json::Writer& w, const Payment& p) {
  w.key("next_action");
  if (p.status != Status::requires_action) {
    w.null();
    return;
  }
  w.begin_object();
  w.text("type", "redirect_to_url");
  w.text("redirect_url", p.challenge_url);
  w.number("expires_at", p.action_expires_at->value);
  w.end_object();
}

}  // namespace

std::string render(const Payment& p) {
  json::Writer w;
  w.begin_object();
  w.text("id", p.id.value);
  w.text("object", "payment");
  w.number("amount", p.amount.minor());
  w.text("currency", p.currency.code());
  w.text("status", d::enum_name(p.status));
  w.text_or_null("description", p.description);
  write_card(w, p.card);
  write_customer(w, p.customer);
  w.metadata("metadata", p.metadata);
  w.text_or_null("decline_code", p.decline_code);
  w.text_or_null("decline_message", p.decline_message);
  w.text_or_null("redirect_url", std::string());  // hosted payment pages only
  write_time(w, "refunded_at", p.refunded_at);
  write_time(w, "succeeded_at", p.succeeded_at);
  write_time(w, "failed_at", p.failed_at);
  write_time(w, "canceled_at", p.canceled_at);
  w.number("created", p.created.value);
  w.flag("livemode", false);
  w.number("refunded_amount", p.refunded_amount.minor());
  w.key("refunds");
  w.begin_array();
  for (const Refund& r : p.refunds) write_refund(w, p, r);
  w.end_array();
  write_next_action(w, p);
  w.text_or_null("provider_transaction_id", p.provider_transaction_id);
  w.text_or_null("return_url", p.return_url);
  w.flag("three_d_secure", p.three_d_secure);
  w.end_object();
  return w.take();
}

std::vector<contract::ObjectSpec> Module::objects() {
  using contract::FilterKind;
  const auto& names = d::EnumNames<Status>::kNames;
  std::vector<std::string_view> statuses;
  statuses.reserve(names.size());
  for (const auto& [text, value] : names) statuses.push_back(text);
  return {{"payment", "pay_", "/v1/payments", {{"status", FilterKind::text, statuses}}}};
}

void Module::ledger(const domain::RecordedOf<Event>& e, const Payment& p,
                    std::vector<contract::Movement>* out) {
  const std::string currency(p.currency.code());
  if (std::holds_alternative<PaymentSucceeded>(e.body)) {
    out->push_back({"payment", "charge", p.id.value, p.amount.minor(), currency});
  } else if (const auto* r = std::get_if<RefundSucceeded>(&e.body)) {
    for (const Refund& refund : p.refunds) {
      if (refund.id == r->refund_id) {
        out->push_back(
            {"payment_refund", "refund", refund.id.value, -refund.amount.minor(), currency});
      }
    }
  }
}

contract::PaymentSummary Module::payment_summary(const Payment& p) {
  const bool succeeded = p.status == Status::succeeded;
  return {kName,
          p.id.value,
          p.created.value,
          d::enum_name(p.status),
          std::string(p.currency.code()),
          p.amount.minor(),
          succeeded ? p.amount.minor() : 0,
          p.refunded_amount.minor(),
          p.description};
}

std::string Module::broken_invariant(const Payment& p) {
  std::int64_t succeeded_minor = 0;
  std::int64_t claimed_minor = 0;  // refunds pending or succeeded
  for (const Refund& r : p.refunds) {
    if (r.status == RefundStatus::succeeded) succeeded_minor += r.amount.minor();
    if (r.status != RefundStatus::failed) claimed_minor += r.amount.minor();
  }
  if (succeeded_minor != p.refunded_amount.minor()) {
    return "its succeeded refunds add up to " + std::to_string(succeeded_minor) +
           ", refunded_amount is " + std::to_string(p.refunded_amount.minor());
  }
  if (claimed_minor > p.amount.minor()) {
    return "refunds of " + std::to_string(claimed_minor) + " exceed the amount " +
           std::to_string(p.amount.minor());
  }
  if (!p.refunds.empty() && p.status != Status::succeeded) {
    return "refunds of a payment that did not succeed";
  }
  return {};
}

void Module::documents(const Payment& p, std::vector<contract::Document>* out) {
  out->push_back({"payment",
                  p.id.value,
                  render(p),
                  {{"status", std::string(d::enum_name(p.status))}},
                  false,
                  true});
}

void Module::announce(const domain::RecordedOf<Event>& e, const Payment& p,
                      std::vector<contract::Announcement>* out) {
  contract::announce_as_logged(e.body, "payment", p.id.value, out);
}

const contract::Aggregate& aggregate() {
  static const contract::AggregateOf<Module> instance;
  return instance;
}

}  // namespace payledger::payments
