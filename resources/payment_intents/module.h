#pragma once
// The PaymentIntent resource (seeds 000, 001, 003): intents, their charges and refunds in one
// stream per intent (pi_...). The rules are intent.h's decider; this module says
// how the generic layers serve it.
#include <optional>
#include <vector>

#include "api/routes.h"
#include "contract/aggregate.h"
#include "resources/payment_intents/intent.h"

namespace payledger::payment_intents {

struct Module {
  using State = PaymentIntent;
  using Event = IntentEvent;
  static constexpr std::string_view kName = "payment_intent";
  static constexpr std::string_view kStreamPrefix = "pi_";
  static constexpr std::string_view kTopic = "payment_intents";

  static std::optional<State> evolve(std::optional<State> s, const Recorded& e) {
    return payment_intents::evolve(std::move(s), e);
  }
  static bool exists(const State&) { return true; }
  // Its customer's test clock, taken at creation (docs/api.md, "Test clocks").
  static std::string clock_of(const State& pi) { return pi.test_clock; }
  static std::vector<contract::ObjectSpec> objects();
  static void created(const Recorded& e, std::vector<contract::DocumentRef>* out);
  static void documents(const State& pi, std::vector<contract::Document>* out);
  // Stripe's payment_intent.*, charge.* and refund.created (docs/events.md).
  static void announce(const Recorded& e, const State& pi,
                       std::vector<contract::Announcement>* out);
  // A capture brings the captured amount into the merchant's balance; a refund takes it out.
  static void ledger(const Recorded& e, const State& pi, std::vector<contract::Movement>* out);
  // received <= amount, refunded <= received, and per charge captured <= authorized and
  // refunded <= captured.
  static std::string broken_invariant(const State& pi);
  // What it took: amount_received; what it gave back: its refunds (a released authorization
  // is not money given back).
  static contract::PaymentSummary payment_summary(const State& pi);
  static std::optional<domain::UnixSeconds> due_at(const State& pi) {
    return payment_intents::due_at(pi);
  }
  static void routes(api::Routes& routes);
  // Expires an authorization past its 7 days, or settles an asynchronous payment.
  static bool run_due(api::CommandService& commands, const domain::MerchantId& merchant,
                      const std::string& stream_id);
};

const contract::Aggregate& aggregate();

}  // namespace payledger::payment_intents
