#pragma once
// The Payment resource (seed 002): Direct API card payments, one stream per payment
// (pay_<uuid>). The rules are payment.h's decider; this module says how the generic layers
// serve it: the payment object and its list, the test network's processing as due work, and the
// 3-D Secure challenge page.
#include <optional>
#include <vector>

#include "api/routes.h"
#include "contract/aggregate.h"
#include "resources/payments/payment.h"

namespace payledger::payments {

inline constexpr std::string_view kChallengeTimeoutSetting = "three-d-secure-timeout";

struct Module {
  using State = Payment;
  using Event = payments::Event;
  static constexpr std::string_view kName = "payment";
  static constexpr std::string_view kStreamPrefix = "pay_";
  static constexpr std::string_view kTopic = "payments";

  static std::optional<Payment> evolve(std::optional<Payment> s,
                                       const domain::RecordedOf<Event>& e) {
    return payments::evolve(std::move(s), e);
  }
  static bool exists(const Payment&) { return true; }
  static std::vector<contract::ObjectSpec> objects();
  static void documents(const Payment& p, std::vector<contract::Document>* out);
  // Every event of a payment, under its own type (payment.succeeded, ...), showing the payment.
  static void announce(const domain::RecordedOf<Event>& e, const Payment& p,
                       std::vector<contract::Announcement>* out);
  // A success brings the amount into the merchant's balance; a refund's success takes it out.
  static void ledger(const domain::RecordedOf<Event>& e, const Payment& p,
                     std::vector<contract::Movement>* out);
  // refunded <= amount, succeeded refunds add up to refunded_amount, refunds not failed add up
  // to at most the amount, and only a succeeded payment has any.
  static std::string broken_invariant(const Payment& p);
  // What it took: the amount, once succeeded; what it gave back: the refunds that succeeded.
  static contract::PaymentSummary payment_summary(const Payment& p);
  static std::optional<domain::UnixSeconds> due_at(const Payment& p) { return payments::due_at(p); }
  static void routes(api::Routes& routes);
  // The operator's: how long a customer has for a 3-D Secure challenge.
  static std::vector<contract::SettingSpec> settings() {
    return {{kChallengeTimeoutSetting,
             "seconds a customer has to complete a 3-D Secure challenge before the payment "
             "expires",
             15 * 60, 1, 7 * 24 * 3600}};
  }
  // The test network's answers: processes a pending payment, expires an unanswered challenge,
  // settles pending refunds.
  static bool run_due(api::CommandService& commands, const domain::MerchantId& merchant,
                      const std::string& stream_id);
};

const contract::Aggregate& aggregate();

// The payment object of the API (seed 002), every field present.
std::string render(const Payment& p);

}  // namespace payledger::payments
