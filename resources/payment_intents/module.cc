#include "resources/payment_intents/module.h"

#include "contract/aggregate_of.h"
#include "resources/payment_intents/render.h"

namespace payledger::payment_intents {

std::vector<contract::ObjectSpec> Module::objects() {
  using contract::FilterKind;
  return {
      {"payment_intent", "pi_", "/v1/payment_intents", {{"customer", FilterKind::text}}},
      {"refund", "re_", "/v1/refunds", {{"payment_intent", FilterKind::text}}},
  };
}

void Module::created(const domain::Recorded& e, std::vector<contract::DocumentRef>* out) {
  if (std::holds_alternative<domain::IntentCreated>(e.body)) {
    out->push_back({"payment_intent", e.meta.stream_id});
  } else if (const auto* r = std::get_if<domain::RefundCreated>(&e.body)) {
    out->push_back({"refund", r->id.value});
  }
}

void Module::documents(const State& pi, std::vector<contract::Document>* out) {
  contract::Document intent{"payment_intent", pi.id.value, render_intent(pi), {}, false, true};
  if (!pi.customer.empty()) intent.index["customer"] = pi.customer;
  out->push_back(std::move(intent));
  for (const domain::Refund& r : pi.refunds) {
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
