#include "resources/payment_intents/intent.h"

#include <algorithm>
#include <array>
#include <utility>

#include "domain/assert.h"
#include "domain/overloaded.h"
#include "resources/payment_intents/test_cards.h"

namespace payledger::payment_intents {

using domain::enum_name;
using domain::EventMeta;
using domain::parse_enum;
namespace {

Unexpected<Rejection> reject(Rejection r) {
  return Unexpected<Rejection>{r};
}

bool cancelable(IntentStatus s) {
  return s == IntentStatus::requires_payment_method || s == IntentStatus::requires_confirmation ||
         s == IntentStatus::requires_action || s == IntentStatus::requires_capture;
}

bool confirmable(IntentStatus s) {
  return s == IntentStatus::requires_payment_method || s == IntentStatus::requires_confirmation ||
         s == IntentStatus::requires_action;
}

// The events that follow an approval: a manual intent waits for capture, an automatic one is
// captured in the same decision.
void append_approval(const PaymentIntent& intent, const ChargeId& charge_id,
                     std::vector<Event>& out) {
  out.emplace_back(IntentAuthorized{charge_id, intent.amount.amount});
  if (intent.capture_method == CaptureMethod::automatic) {
    out.emplace_back(IntentCaptured{charge_id, intent.amount.amount});
  }
}

IntentPaymentFailed failure_of(const TestCard& card, const ChargeId& charge_id) {
  return IntentPaymentFailed{charge_id, PaymentMethodId{std::string(card.id)},
                             std::string(card.failure_code), std::string(card.decline_code),
                             std::string(card.message)};
}

// Completing a 3-D Secure challenge: a later confirm with the same (or no) payment method.
bool completes_authentication(const PaymentIntent& intent, const PaymentMethodId& pm) {
  return intent.status == IntentStatus::requires_action && intent.payment_method == pm;
}

Charge* find_charge(PaymentIntent& intent, const ChargeId& id) {
  auto it = std::find_if(intent.charges.begin(), intent.charges.end(),
                         [&](const Charge& c) { return c.id == id; });
  return it == intent.charges.end() ? nullptr : &*it;
}

Charge& charge_for(PaymentIntent& intent, const ChargeId& id, UnixSeconds at) {
  if (Charge* existing = find_charge(intent, id)) return *existing;
  Charge c;
  c.id = id;
  c.amount = intent.amount.amount;
  c.payment_method = intent.payment_method.value_or(PaymentMethodId{});
  c.created = at;
  intent.charges.push_back(std::move(c));
  return intent.charges.back();
}

// The charge that money was captured on; an intent captures at most one charge.
const Charge& captured_charge(const PaymentIntent& intent) {
  auto it = std::find_if(intent.charges.begin(), intent.charges.end(),
                         [](const Charge& c) { return c.captured; });
  PL_ASSERT(it != intent.charges.end(), "a refunded intent has a captured charge");
  return *it;
}

}  // namespace

std::string_view to_string(IntentStatus s) {
  return enum_name(s);
}
std::optional<IntentStatus> parse_intent_status(std::string_view s) {
  return parse_enum<IntentStatus>(s);
}
std::string_view to_string(ChargeStatus s) {
  return enum_name(s);
}
std::optional<ChargeStatus> parse_charge_status(std::string_view s) {
  return parse_enum<ChargeStatus>(s);
}
std::string_view to_string(CaptureMethod m) {
  return enum_name(m);
}
std::string_view to_string(CancellationReason r) {
  return enum_name(r);
}
std::string_view to_string(RefundReason r) {
  return enum_name(r);
}
std::optional<CaptureMethod> parse_capture_method(std::string_view s) {
  return parse_enum<CaptureMethod>(s);
}
std::optional<CancellationReason> parse_recorded_cancellation_reason(std::string_view s) {
  return parse_enum<CancellationReason>(s);
}
std::optional<CancellationReason> parse_cancellation_reason(std::string_view s) {
  auto r = parse_enum<CancellationReason>(s);
  if (r == CancellationReason::automatic) return std::nullopt;
  return r;
}
std::optional<RefundReason> parse_refund_reason(std::string_view s) {
  return parse_enum<RefundReason>(s);
}

std::optional<UnixSeconds> due_at(const PaymentIntent& intent) {
  if (intent.charges.empty()) return std::nullopt;
  const Charge& last = intent.charges.back();
  if (intent.status == IntentStatus::requires_capture) {
    return UnixSeconds{last.created.value + kAuthorizationExpirySeconds};
  }
  if (intent.status == IntentStatus::processing) {
    return UnixSeconds{last.created.value + kAsyncSettlementSeconds};
  }
  return std::nullopt;
}

Decision decide(const IntentState& state, const CreateIntent& cmd) {
  if (state) return reject(Rejection::intent_exists);
  if (!Amount::chargeable(cmd.amount_minor)) return reject(Rejection::amount_invalid);
  auto currency = Currency::parse(cmd.currency);
  if (!currency) return reject(Rejection::currency_invalid);
  auto capture_method = parse_capture_method(cmd.capture_method);
  if (!capture_method) return reject(Rejection::capture_method_invalid);
  if (cmd.payment_method && !find_test_card(*cmd.payment_method)) {
    return reject(Rejection::payment_method_unknown);
  }

  IntentCreated created{cmd.id,
                        Money{Amount::of_minor(cmd.amount_minor), *currency},
                        *capture_method,
                        cmd.customer,
                        cmd.description,
                        cmd.metadata,
                        std::nullopt,
                        cmd.client_secret,
                        cmd.checkout_session,
                        cmd.test_clock};
  if (cmd.payment_method) created.payment_method = PaymentMethodId{*cmd.payment_method};
  return std::vector<Event>{std::move(created)};
}

Decision decide(const IntentState& state, const ConfirmIntent& cmd) {
  if (!state) return reject(Rejection::intent_missing);
  std::optional<TestCard> card;
  if (cmd.payment_method) {
    card = find_test_card(*cmd.payment_method);
    if (!card) return reject(Rejection::payment_method_unknown);
  }
  const PaymentIntent& intent = *state;
  if (intent.checkout_session != cmd.checkout_session) {
    return reject(Rejection::managed_by_checkout);
  }
  if (!card && intent.payment_method) card = find_test_card(intent.payment_method->value);
  if (!confirmable(intent.status)) return reject(Rejection::intent_unexpected_state);
  if (!card) return reject(Rejection::payment_method_missing);

  const PaymentMethodId pm{std::string(card->id)};
  std::vector<Event> events;
  if (completes_authentication(intent, pm)) {
    append_approval(intent, cmd.charge_id, events);
    return events;
  }
  events.emplace_back(IntentConfirmed{pm, cmd.return_url});
  switch (card->outcome) {
    case CardOutcome::approve:
      append_approval(intent, cmd.charge_id, events);
      break;
    case CardOutcome::decline:
      events.emplace_back(failure_of(*card, cmd.charge_id));
      break;
    case CardOutcome::require_3ds:
      events.emplace_back(IntentRequiresAction{cmd.authentication_url, cmd.return_url});
      break;
    case CardOutcome::async_then_approve:
    case CardOutcome::async_then_decline:
      events.emplace_back(IntentProcessing{cmd.charge_id});
      break;
  }
  return events;
}

Decision decide(const IntentState& state, const FailAuthentication& cmd) {
  if (!state) return reject(Rejection::intent_missing);
  const PaymentIntent& intent = *state;
  if (intent.status != IntentStatus::requires_action || !intent.payment_method) {
    return reject(Rejection::intent_unexpected_state);
  }
  return std::vector<Event>{IntentPaymentFailed{
      cmd.charge_id, *intent.payment_method, "payment_intent_authentication_failure", "",
      "The card failed authentication (3-D Secure). Try again, or pay with another card."}};
}

Decision decide(const IntentState& state, const CaptureIntent& cmd) {
  if (!state) return reject(Rejection::intent_missing);
  const PaymentIntent& intent = *state;
  if (intent.status != IntentStatus::requires_capture) {
    return reject(Rejection::intent_unexpected_state);
  }
  const std::int64_t capturable = intent.amount_capturable.minor();
  const std::int64_t amount = cmd.amount_to_capture_minor.value_or(capturable);
  if (amount < 1 || amount > capturable) return reject(Rejection::amount_to_capture_invalid);
  PL_ASSERT(!intent.charges.empty(), "a capturable intent has its authorized charge");
  return std::vector<Event>{IntentCaptured{intent.charges.back().id, Amount::of_minor(amount)}};
}

Decision decide(const IntentState& state, const CancelIntent& cmd) {
  if (!state) return reject(Rejection::intent_missing);
  if (state->checkout_session != cmd.checkout_session) {
    return reject(Rejection::managed_by_checkout);
  }
  auto reason = CancellationReason::requested_by_customer;
  if (cmd.cancellation_reason) {
    auto parsed = parse_cancellation_reason(*cmd.cancellation_reason);
    if (!parsed) return reject(Rejection::cancellation_reason_invalid);
    reason = *parsed;
  }
  if (!cancelable(state->status)) return reject(Rejection::intent_unexpected_state);
  return std::vector<Event>{IntentCanceled{reason}};
}

Decision decide(const IntentState& state, const UpdateIntent& cmd) {
  if (!state) return reject(Rejection::intent_missing);
  if (cmd.amount_minor && !Amount::chargeable(*cmd.amount_minor)) {
    return reject(Rejection::amount_invalid);
  }
  const PaymentIntent& intent = *state;
  if ((cmd.amount_minor || cmd.customer) && intent.checkout_session != cmd.checkout_session) {
    return reject(Rejection::managed_by_checkout);
  }
  if (intent.status == IntentStatus::canceled) return reject(Rejection::intent_unexpected_state);
  // The amount is what the customer is asked for: it may change only until confirmation.
  const bool confirmed = intent.status != IntentStatus::requires_payment_method &&
                         intent.status != IntentStatus::requires_confirmation;
  if (cmd.amount_minor && confirmed) return reject(Rejection::amount_not_updatable);
  IntentUpdated next{intent.amount.amount, intent.customer, intent.description, intent.metadata};
  if (cmd.amount_minor) next.amount = Amount::of_minor(*cmd.amount_minor);
  if (cmd.customer) next.customer = *cmd.customer;
  if (cmd.description) next.description = *cmd.description;
  apply_patch(next.metadata, cmd.metadata);
  return std::vector<Event>{std::move(next)};
}

Decision decide(const IntentState& state, const RefundIntent& cmd) {
  if (!state) return reject(Rejection::intent_missing);
  std::optional<RefundReason> reason;
  if (cmd.reason) {
    reason = parse_refund_reason(*cmd.reason);
    if (!reason) return reject(Rejection::refund_reason_invalid);
  }
  const PaymentIntent& intent = *state;
  if (intent.status == IntentStatus::refunded) return reject(Rejection::charge_already_refunded);
  if (intent.status != IntentStatus::succeeded &&
      intent.status != IntentStatus::partially_refunded) {
    return reject(Rejection::intent_unexpected_state);
  }
  const std::int64_t remaining = intent.amount_received.minor() - intent.amount_refunded.minor();
  const std::int64_t amount = cmd.amount_minor.value_or(remaining);
  if (amount < 1 || amount > remaining) return reject(Rejection::refund_amount_invalid);
  return std::vector<Event>{RefundCreated{cmd.refund_id, captured_charge(intent).id,
                                          Amount::of_minor(amount), intent.amount.currency, reason,
                                          cmd.metadata}};
}

Decision decide(const IntentState& state, const ExpireIntent& cmd) {
  if (!state) return reject(Rejection::intent_missing);
  if (state->status != IntentStatus::requires_capture) {
    return reject(Rejection::intent_unexpected_state);
  }
  auto due = due_at(*state);
  PL_ASSERT(due.has_value(), "an authorization always has an expiry");
  if (cmd.now < *due) return reject(Rejection::not_due);
  return std::vector<Event>{IntentCanceled{CancellationReason::automatic}};
}

Decision decide(const IntentState& state, const SettleIntent& cmd) {
  if (!state) return reject(Rejection::intent_missing);
  const PaymentIntent& intent = *state;
  if (intent.status != IntentStatus::processing) {
    return reject(Rejection::intent_unexpected_state);
  }
  auto due = due_at(intent);
  PL_ASSERT(due.has_value(), "a processing intent always settles");
  if (cmd.now < *due) return reject(Rejection::not_due);
  const Charge& pending = intent.charges.back();
  auto card = find_test_card(pending.payment_method.value);
  PL_ASSERT(card.has_value(), "a processing charge was taken by a known payment method");
  std::vector<Event> events;
  if (card->outcome == CardOutcome::async_then_decline) {
    events.emplace_back(failure_of(*card, pending.id));
  } else {
    append_approval(intent, pending.id, events);
  }
  return events;
}

namespace {

void apply(PaymentIntent& pi, const IntentConfirmed& e, UnixSeconds) {
  pi.payment_method = e.payment_method;
  pi.status = IntentStatus::requires_confirmation;
  pi.last_payment_error.reset();
  pi.next_action.reset();
}

void apply(PaymentIntent& pi, const IntentUpdated& e, UnixSeconds) {
  PL_ASSERT(e.amount == pi.amount.amount || pi.charges.empty() ||
                pi.status == IntentStatus::requires_payment_method,
            "the amount changes only before a charge holds it");
  pi.amount.amount = e.amount;
  pi.customer = e.customer;
  pi.description = e.description;
  pi.metadata = e.metadata;
}

void apply(PaymentIntent& pi, const IntentRequiresAction& e, UnixSeconds) {
  pi.status = IntentStatus::requires_action;
  pi.next_action = NextAction{e.redirect_url, e.return_url};
}

void apply(PaymentIntent& pi, const IntentProcessing& e, UnixSeconds at) {
  charge_for(pi, e.charge_id, at).status = ChargeStatus::pending;
  pi.status = IntentStatus::processing;
  pi.next_action.reset();
}

void apply(PaymentIntent& pi, const IntentAuthorized& e, UnixSeconds at) {
  PL_ASSERT(e.amount == pi.amount.amount, "an authorization holds the intent's whole amount");
  charge_for(pi, e.charge_id, at).status = ChargeStatus::succeeded;
  pi.amount_capturable = e.amount;
  pi.status = IntentStatus::requires_capture;
  pi.next_action.reset();
}

void apply(PaymentIntent& pi, const IntentCaptured& e, UnixSeconds) {
  Charge* charge = find_charge(pi, e.charge_id);
  PL_ASSERT(charge != nullptr, "a capture names an authorized charge");
  PL_ASSERT(e.amount <= pi.amount_capturable, "never capture more than was authorized");
  charge->captured = true;
  charge->amount_captured = e.amount;
  pi.amount_received = e.amount;
  pi.amount_capturable = Amount{};
  pi.status = IntentStatus::succeeded;
}

void apply(PaymentIntent& pi, const IntentPaymentFailed& e, UnixSeconds at) {
  Charge& charge = charge_for(pi, e.charge_id, at);
  charge.payment_method = e.payment_method;
  charge.status = ChargeStatus::failed;
  charge.failure_code = e.code;
  charge.failure_message = e.message;
  pi.last_payment_error =
      PaymentError{e.code, e.decline_code, e.message, e.payment_method, e.charge_id};
  pi.payment_method.reset();
  pi.next_action.reset();
  pi.status = IntentStatus::requires_payment_method;
}

// Canceling an authorized, uncaptured intent releases the hold on the card. The charge stays
// succeeded and uncaptured; the release shows as a refund of all it held (Stripe's rendering).
// Nothing was received, so the intent's own amount_refunded (money returned) stays 0.
void release_authorization(PaymentIntent& pi) {
  PL_ASSERT(!pi.charges.empty(), "a capturable intent has its authorized charge");
  Charge& held = pi.charges.back();
  PL_ASSERT(held.status == ChargeStatus::succeeded && !held.captured,
            "the last charge of a capturable intent is authorized and uncaptured");
  held.amount_refunded = pi.amount_capturable;
  held.refunded = true;
}

void apply(PaymentIntent& pi, const IntentCanceled& e, UnixSeconds at) {
  if (pi.status == IntentStatus::requires_capture) release_authorization(pi);
  pi.status = IntentStatus::canceled;
  pi.cancellation_reason = e.reason;
  pi.canceled_at = at;
  pi.amount_capturable = Amount{};
  pi.next_action.reset();
}

void apply(PaymentIntent& pi, const RefundCreated& e, UnixSeconds at) {
  Charge* charge = find_charge(pi, e.charge_id);
  PL_ASSERT(charge != nullptr && charge->captured, "a refund names the captured charge");
  pi.amount_refunded = pi.amount_refunded.plus(e.amount);
  PL_ASSERT(pi.amount_refunded <= pi.amount_received, "never refund more than was received");
  charge->amount_refunded = pi.amount_refunded;
  charge->refunded = charge->amount_refunded == charge->amount_captured;
  pi.refunds.push_back(Refund{e.id, e.charge_id, e.amount, e.reason, e.metadata, at});
  pi.status = pi.amount_refunded == pi.amount_received ? IntentStatus::refunded
                                                       : IntentStatus::partially_refunded;
}

PaymentIntent created_from(const IntentCreated& e, const EventMeta& meta) {
  PaymentIntent pi;
  pi.id = e.id;
  pi.merchant = meta.merchant;
  pi.amount = e.amount;
  pi.capture_method = e.capture_method;
  pi.customer = e.customer;
  pi.description = e.description;
  pi.metadata = e.metadata;
  pi.payment_method = e.payment_method;
  pi.client_secret = e.client_secret;
  pi.checkout_session = e.checkout_session;
  pi.test_clock = e.test_clock;
  pi.created = meta.occurred_at;
  pi.status = e.payment_method ? IntentStatus::requires_confirmation
                               : IntentStatus::requires_payment_method;
  return pi;
}

}  // namespace

IntentState evolve(IntentState state, const Recorded& event) {
  const std::uint64_t expected = state ? state->version.value + 1 : 1;
  PL_ASSERT(event.meta.version.value == expected, "events are applied in stream order");
  const UnixSeconds at = event.meta.occurred_at;
  if (const auto* created = std::get_if<IntentCreated>(&event.body)) {
    PL_ASSERT(!state.has_value(), "a stream is created once");
    state = created_from(*created, event.meta);
  } else {
    PL_ASSERT(state.has_value(), "every later event follows payment_intent.created");
    std::visit(Overloaded{
                   [](const IntentCreated&) {},
                   [&](const auto& e) { apply(*state, e, at); },
               },
               event.body);
  }
  state->version = event.meta.version;
  return state;
}

std::string_view event_type(const IntentEvent& e) {
  return std::visit([](const auto& body) { return std::decay_t<decltype(body)>::kType; }, e);
}

}  // namespace payledger::payment_intents
