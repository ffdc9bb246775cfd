// PaymentIntents' decider tables: every command against every status, and the rules behind
// each outcome.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <functional>
#include <map>

#include "resources/payment_intents/intent.h"

using namespace payledger::domain;
using namespace payledger::payment_intents;

namespace {

constexpr std::int64_t kT0 = 1'742'025'600;

// An intent's history: decides commands, stamps the events and evolves the state.
struct Intent {
  IntentState state;
  std::vector<Recorded> log;
  int next_charge = 1;

  template <class Command>
  Decision run(const Command& cmd) {
    Decision d = decide(state, cmd);
    if (!d) return d;
    for (const Event& e : *d) {
      const EventMeta meta{EventId{"evt_" + std::to_string(log.size() + 1)}, "pi_1",
                           StreamVersion{log.size() + 1}, MerchantId{"mer_1"}, cmd.now};
      log.push_back({meta, e});
      state = evolve(state, log.back());
    }
    return d;
  }
  IntentStatus status() const { return state->status; }
};

CreateIntent create(std::int64_t amount = 5000, std::string capture = "automatic",
                    std::optional<std::string> pm = std::nullopt) {
  CreateIntent c;
  c.id = PaymentIntentId{"pi_1"};
  c.amount_minor = amount;
  c.currency = "usd";
  c.capture_method = std::move(capture);
  c.payment_method = std::move(pm);
  c.client_secret = "pi_1_secret_x";
  c.now = UnixSeconds{kT0};
  return c;
}

ConfirmIntent confirm(std::optional<std::string> pm, std::int64_t at = kT0 + 5,
                      std::string charge = "ch_1") {
  return ConfirmIntent{std::move(pm), "", ChargeId{std::move(charge)}, UnixSeconds{at},
                       "https://auth.example/pi_1"};
}

RefundIntent refund(std::optional<std::int64_t> amount, std::string id = "re_1") {
  return RefundIntent{RefundId{std::move(id)}, amount, std::nullopt, {}, UnixSeconds{kT0 + 60}};
}

std::vector<std::string> types(const Decision& d) {
  std::vector<std::string> out;
  for (const auto& e : *d) out.emplace_back(event_type(e));
  return out;
}

// Every status of seed 000, each reached by the commands a client would send.
std::map<std::string, std::function<Intent()>> reachable_states() {
  return {
      {"requires_payment_method",
       [] {
         Intent i;
         (void)i.run(create());
         return i;
       }},
      {"requires_confirmation",
       [] {
         Intent i;
         (void)i.run(create(5000, "automatic", "pm_card_visa"));
         return i;
       }},
      {"requires_action",
       [] {
         Intent i;
         (void)i.run(create());
         (void)i.run(confirm("pm_card_threeDSecureRequired"));
         return i;
       }},
      {"processing",
       [] {
         Intent i;
         (void)i.run(create());
         (void)i.run(confirm("pm_usBankAccount_success"));
         return i;
       }},
      {"requires_capture",
       [] {
         Intent i;
         (void)i.run(create(5000, "manual"));
         (void)i.run(confirm("pm_card_visa"));
         return i;
       }},
      {"succeeded",
       [] {
         Intent i;
         (void)i.run(create());
         (void)i.run(confirm("pm_card_visa"));
         return i;
       }},
      {"partially_refunded",
       [] {
         Intent i;
         (void)i.run(create());
         (void)i.run(confirm("pm_card_visa"));
         (void)i.run(refund(1000));
         return i;
       }},
      {"refunded",
       [] {
         Intent i;
         (void)i.run(create());
         (void)i.run(confirm("pm_card_visa"));
         (void)i.run(refund(std::nullopt));
         return i;
       }},
      {"canceled",
       [] {
         Intent i;
         (void)i.run(create());
         (void)i.run(CancelIntent{std::nullopt, UnixSeconds{kT0 + 1}});
         return i;
       }},
  };
}

struct Row {
  const char* from;
  const char* confirm_to;  // status after confirm with pm_card_visa, or nullptr: rejected
  const char* capture_to;
  const char* cancel_to;
  const char* refund_to;  // refund of 1000
};

// The whole transition table of the PaymentIntent decider.
constexpr Row kTable[] = {
    {"requires_payment_method", "succeeded", nullptr, "canceled", nullptr},
    {"requires_confirmation", "succeeded", nullptr, "canceled", nullptr},
    {"requires_action", "succeeded", nullptr, "canceled", nullptr},
    {"processing", nullptr, nullptr, nullptr, nullptr},
    {"requires_capture", nullptr, "succeeded", "canceled", nullptr},
    {"succeeded", nullptr, nullptr, nullptr, "partially_refunded"},
    {"partially_refunded", nullptr, nullptr, nullptr, "partially_refunded"},
    {"refunded", nullptr, nullptr, nullptr, nullptr},
    {"canceled", nullptr, nullptr, nullptr, nullptr},
};

template <class Command>
void check_cell(const std::function<Intent()>& make, const Command& cmd, const char* expected) {
  Intent i = make();
  Decision d = i.run(cmd);
  if (expected == nullptr) {
    REQUIRE_FALSE(d.has_value());
    CHECK(d.error() == Rejection::intent_unexpected_state);
  } else {
    REQUIRE(d.has_value());
    CHECK(to_string(i.status()) == expected);
  }
}

}  // namespace

TEST_CASE("transition table: every command from every status") {
  auto states = reachable_states();
  for (const Row& row : kTable) {
    CAPTURE(row.from);
    const auto& make = states.at(row.from);
    CHECK(to_string(make().status()) == row.from);
    check_cell(make, confirm("pm_card_visa", kT0 + 30, "ch_9"), row.confirm_to);
    check_cell(make, CaptureIntent{std::nullopt, UnixSeconds{kT0 + 30}}, row.capture_to);
    check_cell(make, CancelIntent{std::nullopt, UnixSeconds{kT0 + 30}}, row.cancel_to);
    if (std::string_view(row.from) == "refunded") {
      // Refunded in full: said so (Stripe's charge_already_refunded), not a generic state.
      Intent i = make();
      CHECK(i.run(refund(1000, "re_9")).error() == Rejection::charge_already_refunded);
    } else {
      check_cell(make, refund(1000, "re_9"), row.refund_to);
    }
  }
}

TEST_CASE("create validates amount, currency, capture method and payment method") {
  Intent i;
  CHECK(i.run(create(0)).error() == Rejection::amount_invalid);
  CHECK(i.run(create(100'000'000)).error() == Rejection::amount_invalid);
  CreateIntent bad_currency = create();
  bad_currency.currency = "USD";
  CHECK(i.run(bad_currency).error() == Rejection::currency_invalid);
  CHECK(i.run(create(5000, "later")).error() == Rejection::capture_method_invalid);
  CHECK(i.run(create(5000, "automatic", "pm_bogus")).error() == Rejection::payment_method_unknown);
  REQUIRE(i.run(create()).has_value());
  CHECK(i.run(create()).error() == Rejection::intent_exists);
  CHECK(i.state->status == IntentStatus::requires_payment_method);
  CHECK(i.state->created.value == kT0);
}

TEST_CASE("automatic capture: confirm authorizes and captures in one decision") {
  Intent i;
  (void)i.run(create(4999));
  Decision d = i.run(confirm("pm_card_visa"));
  CHECK(types(d) == std::vector<std::string>{"payment_intent.confirmed",
                                             "payment_intent.authorized",
                                             "payment_intent.captured"});
  CHECK(i.status() == IntentStatus::succeeded);
  CHECK(i.state->amount_received.minor() == 4999);
  REQUIRE(i.state->charges.size() == 1);
  CHECK(i.state->charges[0].captured);
  CHECK(i.state->charges[0].amount_captured.minor() == 4999);
  CHECK(i.state->charges[0].created.value == kT0 + 5);
}

TEST_CASE("manual capture: full, partial, and never more than authorized") {
  Intent i;
  (void)i.run(create(15000, "manual"));
  (void)i.run(confirm("pm_card_visa"));
  CHECK(i.status() == IntentStatus::requires_capture);
  CHECK(i.state->amount_capturable.minor() == 15000);
  CHECK(i.state->amount_received.minor() == 0);
  CHECK(i.run(CaptureIntent{15001, UnixSeconds{kT0 + 9}}).error() ==
        Rejection::amount_to_capture_invalid);
  CHECK(i.run(CaptureIntent{0, UnixSeconds{kT0 + 9}}).error() ==
        Rejection::amount_to_capture_invalid);
  REQUIRE(i.run(CaptureIntent{12000, UnixSeconds{kT0 + 9}}).has_value());
  CHECK(i.status() == IntentStatus::succeeded);
  CHECK(i.state->amount_received.minor() == 12000);
  CHECK(i.state->amount_capturable.minor() == 0);
  // Refunds are bounded by what was received, not by the authorized amount.
  CHECK(i.run(refund(12001)).error() == Rejection::refund_amount_invalid);
  REQUIRE(i.run(refund(std::nullopt)).has_value());
  CHECK(i.status() == IntentStatus::refunded);
  CHECK(i.state->amount_refunded.minor() == 12000);
}

TEST_CASE("declines leave requires_payment_method with last_payment_error and a failed charge") {
  const std::pair<const char*, const char*> declines[] = {
      {"pm_card_chargeDeclined", "card_declined"},
      {"pm_card_insufficientFunds", "card_declined"},
      {"pm_card_expired", "expired_card"},
      {"pm_card_incorrectCvc", "incorrect_cvc"},
  };
  for (const auto& decline : declines) {
    // Named variables, not a structured binding: CAPTURE's lambda takes them (clang 14).
    const char* pm = decline.first;
    const char* code = decline.second;
    CAPTURE(pm);
    Intent i;
    (void)i.run(create());
    Decision d = i.run(confirm(pm));
    CHECK(types(d) ==
          std::vector<std::string>{"payment_intent.confirmed", "payment_intent.payment_failed"});
    CHECK(i.status() == IntentStatus::requires_payment_method);
    REQUIRE(i.state->last_payment_error.has_value());
    CHECK(i.state->last_payment_error->code == code);
    CHECK_FALSE(i.state->payment_method.has_value());
    REQUIRE(i.state->charges.size() == 1);
    CHECK(i.state->charges[0].status == ChargeStatus::failed);
    CHECK(i.state->amount_received.minor() == 0);
    // A retry with a good card succeeds on a second charge and clears the error.
    REQUIRE(i.run(confirm("pm_card_visa", kT0 + 10, "ch_2")).has_value());
    CHECK(i.status() == IntentStatus::succeeded);
    CHECK_FALSE(i.state->last_payment_error.has_value());
    CHECK(i.state->charges.size() == 2);
  }
}

TEST_CASE("3-D Secure: requires_action with a redirect, completed by a later confirm") {
  Intent i;
  (void)i.run(create());
  (void)i.run(confirm("pm_card_threeDSecureRequired"));
  CHECK(i.status() == IntentStatus::requires_action);
  REQUIRE(i.state->next_action.has_value());
  CHECK(i.state->next_action->redirect_url == "https://auth.example/pi_1");
  Decision d = i.run(confirm(std::nullopt, kT0 + 20, "ch_2"));
  CHECK(types(d) ==
        std::vector<std::string>{"payment_intent.authorized", "payment_intent.captured"});
  CHECK(i.status() == IntentStatus::succeeded);
  CHECK_FALSE(i.state->next_action.has_value());
}

TEST_CASE("a Checkout Session's intent is confirmed, canceled and repriced by that session only") {
  Intent i;
  CreateIntent c = create();
  c.checkout_session = "cs_1";
  (void)i.run(c);
  CHECK(i.state->checkout_session == "cs_1");
  ConfirmIntent by_api = confirm("pm_card_visa");
  CHECK(decide(i.state, by_api).error() == Rejection::managed_by_checkout);
  CHECK(decide(i.state, CancelIntent{std::nullopt, UnixSeconds{kT0}}).error() ==
        Rejection::managed_by_checkout);
  UpdateIntent reprice;
  reprice.amount_minor = 10;
  reprice.now = UnixSeconds{kT0};
  CHECK(decide(i.state, reprice).error() == Rejection::managed_by_checkout);
  UpdateIntent describe;
  describe.description = "order 7";
  describe.now = UnixSeconds{kT0};
  CHECK(decide(i.state, describe).has_value());  // the merchant's own notes are the merchant's
  ConfirmIntent by_session = by_api;
  by_session.checkout_session = "cs_1";
  (void)i.run(by_session);
  CHECK(i.status() == IntentStatus::succeeded);
}

TEST_CASE("3-D Secure: a failed challenge fails the charge; the intent takes a new card") {
  Intent i;
  (void)i.run(create());
  CHECK(decide(i.state, FailAuthentication{ChargeId{"ch_1"}, kT0}).error() ==
        Rejection::intent_unexpected_state);  // nothing to authenticate yet
  (void)i.run(confirm("pm_card_threeDSecureRequired"));
  Decision failed = i.run(FailAuthentication{ChargeId{"ch_1"}, kT0 + 30});
  CHECK(types(failed) == std::vector<std::string>{"payment_intent.payment_failed"});
  CHECK(i.status() == IntentStatus::requires_payment_method);
  REQUIRE(i.state->last_payment_error.has_value());
  CHECK(i.state->last_payment_error->code == "payment_intent_authentication_failure");
  CHECK_FALSE(i.state->next_action.has_value());
  CHECK(decide(i.state, FailAuthentication{ChargeId{"ch_2"}, kT0 + 31}).error() ==
        Rejection::intent_unexpected_state);
  (void)i.run(confirm("pm_card_visa", kT0 + 40, "ch_2"));
  CHECK(i.status() == IntentStatus::succeeded);
  CHECK(decide(IntentState{}, FailAuthentication{ChargeId{"ch_3"}, kT0}).error() ==
        Rejection::intent_missing);
}

TEST_CASE("3-D Secure: next_action returns to the return_url given at that confirm") {
  struct Case {
    const char* first_return_url;  // a confirm with pm_card_chargeDeclined, or nullptr: none
    const char* return_url;        // the confirm with pm_card_threeDSecureRequired
    const char* expected;          // next_action.return_url
  };
  constexpr Case kCases[] = {
      {nullptr, "https://shop.example/done", "https://shop.example/done"},
      {nullptr, "", ""},
      // Only the return_url of the confirm that led to requires_action counts.
      {"https://shop.example/first", "https://shop.example/second", "https://shop.example/second"},
  };
  for (const Case& c : kCases) {
    CAPTURE(c.return_url);
    Intent i;
    (void)i.run(create());
    if (c.first_return_url != nullptr) {
      (void)i.run(ConfirmIntent{"pm_card_chargeDeclined", c.first_return_url, ChargeId{"ch_1"},
                                UnixSeconds{kT0 + 1}, ""});
    }
    Decision d = i.run(ConfirmIntent{"pm_card_threeDSecureRequired", c.return_url, ChargeId{"ch_2"},
                                     UnixSeconds{kT0 + 2}, "https://auth.example/pi_1"});
    REQUIRE(d.has_value());
    CHECK(std::get<IntentRequiresAction>(d->back()).return_url == std::string(c.expected));
    CHECK(i.status() == IntentStatus::requires_action);
    REQUIRE(i.state->next_action.has_value());
    CHECK(i.state->next_action->redirect_url == "https://auth.example/pi_1");
    CHECK(i.state->next_action->return_url == std::string(c.expected));
  }
}

TEST_CASE("confirm needs a payment method, given or attached") {
  Intent i;
  (void)i.run(create());
  CHECK(i.run(confirm(std::nullopt)).error() == Rejection::payment_method_missing);
  CHECK(i.run(confirm("pm_nope")).error() == Rejection::payment_method_unknown);
  Intent attached;
  (void)attached.run(create(5000, "automatic", "pm_card_mastercard"));
  REQUIRE(attached.run(confirm(std::nullopt)).has_value());
  CHECK(attached.status() == IntentStatus::succeeded);
  CHECK(attached.state->payment_method->value == "pm_card_mastercard");
}

TEST_CASE("cancel: reasons a merchant may give, from cancelable states only") {
  Intent i;
  (void)i.run(create());
  CHECK(i.run(CancelIntent{"automatic", UnixSeconds{kT0}}).error() ==
        Rejection::cancellation_reason_invalid);
  CHECK(i.run(CancelIntent{"bored", UnixSeconds{kT0}}).error() ==
        Rejection::cancellation_reason_invalid);
  REQUIRE(i.run(CancelIntent{"duplicate", UnixSeconds{kT0 + 7}}).has_value());
  CHECK(i.status() == IntentStatus::canceled);
  CHECK(i.state->cancellation_reason == CancellationReason::duplicate);
  CHECK(i.state->canceled_at->value == kT0 + 7);
}

TEST_CASE(
    "canceling an uncaptured authorization releases it: the charge is refunded, not captured") {
  // By the merchant, and by expiry: both are payment_intent.canceled from requires_capture.
  const std::pair<const char*, std::function<Decision(Intent&)>> cancels[] = {
      {"merchant",
       [](Intent& i) {
         return i.run(CancelIntent{"abandoned", UnixSeconds{kT0 + 9}});
       }},
      {"expiry", [](Intent& i) { return i.run(ExpireIntent{UnixSeconds{kT0 + 5 + 7 * 86'400}}); }},
  };
  for (const auto& by : cancels) {
    const char* who = by.first;
    const auto& cancel = by.second;
    CAPTURE(who);
    Intent i;
    (void)i.run(create(7300, "manual"));
    (void)i.run(confirm("pm_card_visa"));
    REQUIRE(cancel(i).has_value());
    CHECK(i.status() == IntentStatus::canceled);
    CHECK(i.state->amount_capturable.minor() == 0);
    CHECK(i.state->amount_received.minor() == 0);
    CHECK(i.state->amount_refunded.minor() == 0);  // no money was received, none returned
    REQUIRE(i.state->charges.size() == 1);
    const Charge& charge = i.state->charges[0];
    CHECK(charge.status == ChargeStatus::succeeded);
    CHECK_FALSE(charge.captured);
    CHECK(charge.amount_captured.minor() == 0);
    CHECK(charge.refunded);
    CHECK(charge.amount_refunded.minor() == 7300);
  }
  // Canceled before any authorization, and a declined charge: nothing to release.
  Intent declined;
  (void)declined.run(create(7300, "manual"));
  (void)declined.run(confirm("pm_card_chargeDeclined"));
  REQUIRE(declined.run(CancelIntent{std::nullopt, UnixSeconds{kT0 + 9}}).has_value());
  CHECK_FALSE(declined.state->charges[0].refunded);
  CHECK(declined.state->charges[0].amount_refunded.minor() == 0);
}

TEST_CASE("a charge is refunded only once all that was captured is refunded") {
  Intent i;
  (void)i.run(create(3000));
  (void)i.run(confirm("pm_card_visa"));
  CHECK_FALSE(i.state->charges[0].refunded);
  REQUIRE(i.run(refund(1000, "re_1")).has_value());
  CHECK_FALSE(i.state->charges[0].refunded);
  REQUIRE(i.run(refund(std::nullopt, "re_2")).has_value());
  CHECK(i.state->charges[0].refunded);
}

TEST_CASE("uncaptured authorizations expire after 7 days, not before") {
  Intent i;
  (void)i.run(create(5000, "manual"));
  (void)i.run(confirm("pm_card_visa", kT0 + 100));
  const std::int64_t due = kT0 + 100 + 7 * 86'400;
  CHECK(due_at(*i.state)->value == due);
  CHECK(i.run(ExpireIntent{UnixSeconds{due - 1}}).error() == Rejection::not_due);
  CHECK(i.status() == IntentStatus::requires_capture);
  REQUIRE(i.run(ExpireIntent{UnixSeconds{due}}).has_value());
  CHECK(i.status() == IntentStatus::canceled);
  CHECK(i.state->cancellation_reason == CancellationReason::automatic);
  CHECK(i.state->amount_capturable.minor() == 0);
  CHECK_FALSE(due_at(*i.state).has_value());
}

TEST_CASE("asynchronous payment methods settle from processing when due") {
  Intent ok;
  (void)ok.run(create());
  (void)ok.run(confirm("pm_usBankAccount_success", kT0));
  CHECK(ok.status() == IntentStatus::processing);
  CHECK(ok.run(SettleIntent{UnixSeconds{kT0 + 1}}).error() == Rejection::not_due);
  REQUIRE(ok.run(SettleIntent{UnixSeconds{kT0 + 5}}).has_value());
  CHECK(ok.status() == IntentStatus::succeeded);
  CHECK(ok.state->charges.size() == 1);

  Intent failing;
  (void)failing.run(create());
  (void)failing.run(confirm("pm_usBankAccount_insufficientFunds", kT0));
  REQUIRE(failing.run(SettleIntent{UnixSeconds{kT0 + 5}}).has_value());
  CHECK(failing.status() == IntentStatus::requires_payment_method);
  CHECK(failing.state->charges[0].status == ChargeStatus::failed);
}

TEST_CASE("refunds: default is what remains, reasons are checked, never more than received") {
  Intent i;
  (void)i.run(create(3000));
  (void)i.run(confirm("pm_card_visa"));
  CHECK(i.run(RefundIntent{RefundId{"re_x"}, 100, "whim", {}, UnixSeconds{kT0}}).error() ==
        Rejection::refund_reason_invalid);
  REQUIRE(i.run(refund(1000, "re_1")).has_value());
  REQUIRE(i.run(refund(1500, "re_2")).has_value());
  CHECK(i.status() == IntentStatus::partially_refunded);
  CHECK(i.run(refund(501, "re_3")).error() == Rejection::refund_amount_invalid);
  Decision last = i.run(refund(std::nullopt, "re_4"));
  REQUIRE(last.has_value());
  CHECK(std::get<RefundCreated>((*last)[0]).amount.minor() == 500);
  CHECK(i.status() == IntentStatus::refunded);
  CHECK(i.state->charges[0].amount_refunded.minor() == 3000);
  CHECK(i.run(refund(1, "re_5")).error() == Rejection::charge_already_refunded);
}

TEST_CASE("rejection precedence: existence, then the command's values, then the state") {
  Intent none;
  CHECK(none.run(confirm("pm_nope")).error() == Rejection::intent_missing);
  CHECK(none.run(refund(-5)).error() == Rejection::intent_missing);
  Intent canceled;
  (void)canceled.run(create());
  (void)canceled.run(CancelIntent{std::nullopt, UnixSeconds{kT0}});
  CHECK(canceled.run(confirm("pm_nope")).error() == Rejection::payment_method_unknown);
  CHECK(canceled.run(CancelIntent{"bored", UnixSeconds{kT0}}).error() ==
        Rejection::cancellation_reason_invalid);
  CHECK(canceled.run(confirm("pm_card_visa")).error() == Rejection::intent_unexpected_state);
  Intent rpm;
  (void)rpm.run(create());
  CHECK(rpm.run(refund(999'999'999)).error() == Rejection::intent_unexpected_state);
}

TEST_CASE("every rejection has a name") {
  for (int r = 0; r <= static_cast<int>(Rejection::not_due); ++r) {
    CHECK_FALSE(name(static_cast<Rejection>(r)).empty());
  }
  CHECK(name(Rejection::amount_not_updatable) == "amount_not_updatable");
}

TEST_CASE("evolve stops the process on an event out of stream order") {
  Intent i;
  (void)i.run(create());
  Recorded skipped = i.log.back();
  skipped.meta.version = StreamVersion{3};
  skipped.body = IntentCanceled{};
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    std::signal(SIGABRT, SIG_DFL);  // doctest's crash handler must not catch it in the child
    (void)std::freopen("/dev/null", "w", stderr);
    (void)evolve(i.state, skipped);
    std::_Exit(0);  // reached only if the invariant was not enforced
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGABRT);
}
