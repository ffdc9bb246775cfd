#include "resources/payment_intents/module.h"

#include "contract/aggregate_of.h"
#include "domain/overloaded.h"
#include "resources/payment_intents/render.h"

namespace payledger::payment_intents {

std::vector<contract::ObjectSpec> Module::objects() {
  using contract::FilterKind;
  return {
      {"payment_intent", "pi_", "/v1/payment_intents", {{"customer", FilterKind::text}}},
      {"refund", "re_", "/v1/refunds", {{"payment_intent", FilterKind::text}}},
      {"charge", "ch_", "/v1/charges", {{"payment_intent", FilterKind::text}}},
  };
}

namespace {

// The charge an event names, if it names one.
const ChargeId* charge_of(const Recorded& e) {
  return std::visit(
      [](const auto& body) -> const ChargeId* {
        if constexpr (requires { body.charge_id; }) {
          return &body.charge_id;
        } else {
          return nullptr;
        }
      },
      e.body);
}

}  // namespace

void Module::created(const Recorded& e, std::vector<contract::DocumentRef>* out) {
  if (std::holds_alternative<IntentCreated>(e.body)) {
    out->push_back({"payment_intent", e.meta.stream_id});
  } else if (const auto* r = std::get_if<RefundCreated>(&e.body)) {
    out->push_back({"refund", r->id.value});
  } else if (const ChargeId* c = charge_of(e)) {
    out->push_back({"charge", c->value});  // the charge's first event creates it
  }
}

void Module::announce(const Recorded& e, const State& pi,
                      std::vector<contract::Announcement>* out) {
  const std::string& intent = pi.id.value;
  auto charge = [&](std::string_view type) {
    out->push_back({type, "charge", charge_of(e)->value});
  };
  std::visit(
      Overloaded{
          [&](const IntentCreated&) {
            out->push_back({"payment_intent.created", "payment_intent", intent});
          },
          [&](const IntentRequiresAction&) {
            out->push_back({"payment_intent.requires_action", "payment_intent", intent});
          },
          [&](const IntentProcessing&) {
            charge("charge.pending");
            out->push_back({"payment_intent.processing", "payment_intent", intent});
          },
          [&](const IntentAuthorized&) {
            // An automatic capture follows at once: its charge succeeds then (below).
            if (pi.capture_method != CaptureMethod::manual) return;
            charge("charge.succeeded");
            out->push_back({"payment_intent.amount_capturable_updated", "payment_intent", intent});
          },
          [&](const IntentCaptured&) {
            // A manual capture takes an authorized charge; otherwise the charge succeeds now.
            charge(pi.capture_method == CaptureMethod::manual ? "charge.captured"
                                                              : "charge.succeeded");
            out->push_back({"payment_intent.succeeded", "payment_intent", intent});
          },
          [&](const IntentPaymentFailed&) {
            charge("charge.failed");
            out->push_back({"payment_intent.payment_failed", "payment_intent", intent});
          },
          [&](const IntentCanceled&) {
            out->push_back({"payment_intent.canceled", "payment_intent", intent});
          },
          [&](const RefundCreated& r) {
            out->push_back({"refund.created", "refund", r.id.value});
            out->push_back({"charge.refunded", "charge", r.charge_id.value});
          },
          [](const auto&) {},  // updated, confirmed: Stripe announces neither
      },
      e.body);
}

void Module::ledger(const Recorded& e, const State& pi, std::vector<contract::Movement>* out) {
  const std::string currency(pi.amount.currency.code());
  if (const auto* c = std::get_if<IntentCaptured>(&e.body)) {
    out->push_back({"charge", "charge", c->charge_id.value, c->amount.minor(), currency});
  } else if (const auto* r = std::get_if<RefundCreated>(&e.body)) {
    out->push_back({"refund", "refund", r->id.value, -r->amount.minor(), currency});
  }
}

std::string Module::broken_invariant(const State& pi) {
  const auto said = [](std::string_view what, std::int64_t a, std::string_view than,
                       std::int64_t b) {
    return std::string(what) + " " + std::to_string(a) + " exceeds " + std::string(than) + " " +
           std::to_string(b);
  };
  if (pi.amount_received.minor() > pi.amount.amount.minor()) {
    return said("amount_received", pi.amount_received.minor(), "amount", pi.amount.amount.minor());
  }
  if (pi.amount_refunded.minor() > pi.amount_received.minor()) {
    return said("amount_refunded", pi.amount_refunded.minor(), "amount_received",
                pi.amount_received.minor());
  }
  std::int64_t refunds_minor = 0;
  for (const Refund& r : pi.refunds) refunds_minor += r.amount.minor();
  if (refunds_minor != pi.amount_refunded.minor()) {
    return "its refunds add up to " + std::to_string(refunds_minor) + ", amount_refunded is " +
           std::to_string(pi.amount_refunded.minor());
  }
  for (const Charge& c : pi.charges) {
    if (c.amount_captured.minor() > c.amount.minor()) {
      return c.id.value + ": " +
             said("amount_captured", c.amount_captured.minor(), "amount", c.amount.minor());
    }
    if (c.captured && c.amount_refunded.minor() > c.amount_captured.minor()) {
      return c.id.value + ": " +
             said("amount_refunded", c.amount_refunded.minor(), "amount_captured",
                  c.amount_captured.minor());
    }
  }
  return {};
}

contract::PaymentSummary Module::payment_summary(const State& pi) {
  return {kName,
          pi.id.value,
          pi.created.value,
          to_string(pi.status),
          std::string(pi.amount.currency.code()),
          pi.amount.amount.minor(),
          pi.amount_received.minor(),
          pi.amount_refunded.minor(),
          pi.description};
}

void Module::documents(const State& pi, std::vector<contract::Document>* out) {
  contract::Document intent{"payment_intent", pi.id.value, render_intent(pi), {}, false, true};
  if (!pi.customer.empty()) intent.index["customer"] = pi.customer;
  out->push_back(std::move(intent));
  for (const Charge& c : pi.charges) {
    out->push_back({"charge",
                    c.id.value,
                    render_charge(pi, c),
                    {{"payment_intent", pi.id.value}},
                    false,
                    true});
  }
  for (const Refund& r : pi.refunds) {
    out->push_back({"refund",
                    r.id.value,
                    render_refund(pi, r),
                    {{"payment_intent", pi.id.value}},
                    false,
                    true});
  }
}

const contract::Aggregate& aggregate() {
  static const contract::AggregateOf<Module> instance;
  return instance;
}

}  // namespace payledger::payment_intents
