#include "resources/payments/payment.h"

#include <algorithm>

#include "domain/assert.h"
#include "domain/overloaded.h"
#include "domain/tokens.h"

namespace payledger::payments {
namespace {

namespace d = domain;

std::string_view decline_message(std::string_view code) {
  if (code == "do_not_honor") return "The card was declined.";
  if (code == "insufficient_funds") return "The card has insufficient funds.";
  if (code == "expired_card") return "The card has expired.";
  if (code == "lost_card") return "The card was reported lost.";
  if (code == "stolen_card") return "The card was reported stolen.";
  if (code == "three_d_secure_failed") return "3-D Secure authentication failed.";
  if (code == "three_d_secure_timeout") {
    return "The 3-D Secure challenge was not completed in time.";
  }
  if (code == "three_d_secure_not_supported") {
    return "The card does not support 3-D Secure, which this payment requires.";
  }
  if (code == "three_d_secure_error") return "3-D Secure authentication could not be performed.";
  return "The card was declined.";
}

PaymentFailed failure(std::string_view code, std::string provider_transaction_id) {
  return {std::string(code), std::string(decline_message(code)),
          std::move(provider_transaction_id)};
}

Refund* find_refund(Payment& p, const RefundId& id) {
  auto it =
      std::find_if(p.refunds.begin(), p.refunds.end(), [&](const Refund& r) { return r.id == id; });
  return it == p.refunds.end() ? nullptr : &*it;
}

}  // namespace

std::string_view name(Rejection r) {
  switch (r) {
    case Rejection::payment_exists:
      return "payment_exists";
    case Rejection::payment_missing:
      return "payment_missing";
    case Rejection::amount_invalid:
      return "amount_invalid";
    case Rejection::return_url_required:
      return "return_url_required";
    case Rejection::challenge_token_invalid:
      return "challenge_token_invalid";
    case Rejection::not_pending:
      return "not_pending";
    case Rejection::not_awaiting_action:
      return "not_awaiting_action";
    case Rejection::action_expired:
      return "action_expired";
    case Rejection::not_due:
      return "not_due";
    case Rejection::not_cancelable:
      return "not_cancelable";
    case Rejection::not_refundable:
      return "not_refundable";
    case Rejection::refund_amount_invalid:
      return "refund_amount_invalid";
    case Rejection::fully_refunded:
      return "fully_refunded";
    case Rejection::refund_exceeds_remaining:
      return "refund_exceeds_remaining";
    case Rejection::no_pending_refund:
      return "no_pending_refund";
  }
  PL_ASSERT(false, "every rejection has a name");
}

d::Amount Payment::refundable() const {
  d::Amount held = refunded_amount;
  for (const Refund& r : refunds) {
    if (r.status == RefundStatus::pending) held = held.plus(r.amount);
  }
  return amount.minus(held);
}

bool token_matches(const Payment& p, std::string_view token) {
  return d::same_secret(token, p.challenge_token);
}

Decision decide(const State& state, const CreatePayment& cmd) {
  if (state) return Unexpected{Rejection::payment_exists};
  if (!d::Amount::chargeable(cmd.amount_minor)) return Unexpected{Rejection::amount_invalid};
  const PaymentCreated& p = cmd.payment;
  if (p.network.challenges() && p.return_url.empty()) {
    return Unexpected{Rejection::return_url_required};
  }
  PL_ASSERT(p.network.challenges() == !p.challenge_url.empty() &&
                p.network.challenges() == !p.challenge_token.empty(),
            "a challenge page exactly for the cards that are challenged");
  PaymentCreated event = p;
  event.amount = d::Amount::of_minor(cmd.amount_minor);
  return std::vector<Event>{std::move(event)};
}

Decision decide(const State& state, const ProcessPayment& cmd) {
  if (!state) return Unexpected{Rejection::payment_missing};
  if (state->status != Status::pending) return Unexpected{Rejection::not_pending};
  const NetworkProfile& n = state->network;
  switch (n.behavior) {
    case Behavior::approve:
    case Behavior::approve_refunds_fail:
      return std::vector<Event>{PaymentSucceeded{cmd.provider_transaction_id, false}};
    case Behavior::decline:
      return std::vector<Event>{failure(n.decline_code, cmd.provider_transaction_id)};
    case Behavior::challenge:
    case Behavior::challenge_always_fails:
      return std::vector<Event>{
          PaymentRequiresAction{d::UnixSeconds{cmd.now.value + cmd.action_timeout_seconds}}};
    case Behavior::challenge_not_supported:
      return std::vector<Event>{failure("three_d_secure_not_supported", "")};
    case Behavior::challenge_error:
      return std::vector<Event>{failure("three_d_secure_error", "")};
  }
  PL_ASSERT(false, "every behavior is decided");
}

Decision decide(const State& state, const AuthenticatePayment& cmd) {
  if (!state) return Unexpected{Rejection::payment_missing};
  if (!token_matches(*state, cmd.token)) {
    return Unexpected{Rejection::challenge_token_invalid};
  }
  if (state->status != Status::requires_action) return Unexpected{Rejection::not_awaiting_action};
  PL_ASSERT(state->action_expires_at.has_value(), "requires_action has an expiry");
  if (cmd.now >= *state->action_expires_at) return Unexpected{Rejection::action_expired};
  if (!cmd.completed || state->network.behavior == Behavior::challenge_always_fails) {
    return std::vector<Event>{failure("three_d_secure_failed", "")};
  }
  return std::vector<Event>{PaymentSucceeded{cmd.provider_transaction_id, true}};
}

Decision decide(const State& state, const ExpirePayment& cmd) {
  if (!state) return Unexpected{Rejection::payment_missing};
  if (state->status != Status::requires_action) return Unexpected{Rejection::not_awaiting_action};
  PL_ASSERT(state->action_expires_at.has_value(), "requires_action has an expiry");
  if (cmd.now < *state->action_expires_at) return Unexpected{Rejection::not_due};
  const std::string code = "three_d_secure_timeout";
  return std::vector<Event>{PaymentExpired{code, std::string(decline_message(code))}};
}

Decision decide(const State& state, const CancelPayment&) {
  if (!state) return Unexpected{Rejection::payment_missing};
  if (state->status != Status::pending && state->status != Status::requires_action) {
    return Unexpected{Rejection::not_cancelable};
  }
  return std::vector<Event>{PaymentCanceled{}};
}

Decision decide(const State& state, const RefundPayment& cmd) {
  if (!state) return Unexpected{Rejection::payment_missing};
  if (cmd.amount_minor && !d::Amount::chargeable(*cmd.amount_minor)) {
    return Unexpected{Rejection::refund_amount_invalid};
  }
  if (state->status != Status::succeeded) return Unexpected{Rejection::not_refundable};
  const d::Amount left = state->refundable();
  if (left.minor() == 0) return Unexpected{Rejection::fully_refunded};
  const std::int64_t amount = cmd.amount_minor.value_or(left.minor());
  if (amount > left.minor()) return Unexpected{Rejection::refund_exceeds_remaining};
  return std::vector<Event>{RefundCreated{cmd.refund_id, d::Amount::of_minor(amount), cmd.reason}};
}

Decision decide(const State& state, const SettleRefunds&) {
  if (!state) return Unexpected{Rejection::payment_missing};
  std::vector<Event> out;
  for (const Refund& r : state->refunds) {
    if (r.status != RefundStatus::pending) continue;
    if (state->network.behavior == Behavior::approve_refunds_fail) {
      out.emplace_back(RefundFailed{r.id, "refund_declined",
                                    "The card's issuer refused the refund; nothing was returned."});
    } else {
      out.emplace_back(RefundSucceeded{r.id});
    }
  }
  if (out.empty()) return Unexpected{Rejection::no_pending_refund};
  return out;
}

State evolve(State state, const d::RecordedOf<Event>& e) {
  const d::UnixSeconds at = e.meta.occurred_at;
  PL_ASSERT(state.has_value() == !std::holds_alternative<PaymentCreated>(e.body),
            "payment.created first, and only first");
  std::visit(Overloaded{
                 [&](const PaymentCreated& c) {
                   PL_ASSERT(!state, "payment.created starts the stream");
                   Payment p;
                   static_cast<PaymentCreated&>(p) = c;
                   p.created = at;
                   state = std::move(p);
                 },
                 [&](const PaymentRequiresAction& a) {
                   state->status = Status::requires_action;
                   state->action_expires_at = a.expires_at;
                 },
                 [&](const PaymentSucceeded& s) {
                   state->status = Status::succeeded;
                   state->action_expires_at.reset();
                   state->succeeded_at = at;
                   state->three_d_secure = s.three_d_secure;
                   if (!s.provider_transaction_id.empty()) {
                     state->provider_transaction_id = s.provider_transaction_id;
                   }
                 },
                 [&](const PaymentFailed& f) {
                   state->status = Status::failed;
                   state->action_expires_at.reset();
                   state->failed_at = at;
                   state->decline_code = f.decline_code;
                   state->decline_message = f.decline_message;
                   if (!f.provider_transaction_id.empty()) {
                     state->provider_transaction_id = f.provider_transaction_id;
                   }
                 },
                 [&](const PaymentExpired& x) {
                   state->status = Status::expired;
                   state->action_expires_at.reset();
                   state->failed_at = at;
                   state->decline_code = x.decline_code;
                   state->decline_message = x.decline_message;
                 },
                 [&](const PaymentCanceled&) {
                   state->status = Status::canceled;
                   state->action_expires_at.reset();
                   state->canceled_at = at;
                 },
                 [&](const RefundCreated& r) {
                   state->refunds.push_back(
                       {r.refund_id, r.amount, r.reason, RefundStatus::pending, at, {}, {}, {}});
                 },
                 [&](const RefundSucceeded& r) {
                   Refund* refund = find_refund(*state, r.refund_id);
                   PL_ASSERT(refund != nullptr, "a refund settles after it was created");
                   refund->status = RefundStatus::succeeded;
                   refund->settled_at = at;
                   state->refunded_amount = state->refunded_amount.plus(refund->amount);
                   if (state->refunded_amount == state->amount) state->refunded_at = at;
                 },
                 [&](const RefundFailed& r) {
                   Refund* refund = find_refund(*state, r.refund_id);
                   PL_ASSERT(refund != nullptr, "a refund settles after it was created");
                   refund->status = RefundStatus::failed;
                   refund->settled_at = at;
                   refund->failure_code = r.failure_code;
                   refund->failure_message = r.failure_message;
                 },
             },
             e.body);
  PL_ASSERT(!state || state->refunded_amount <= state->amount, "never refunds more than paid");
  return state;
}

std::optional<d::UnixSeconds> due_at(const Payment& p) {
  std::optional<d::UnixSeconds> due;
  auto sooner = [&](d::UnixSeconds t) {
    if (!due || t < *due) due = t;
  };
  if (p.status == Status::pending) sooner(p.created);
  if (p.status == Status::requires_action && p.action_expires_at) sooner(*p.action_expires_at);
  for (const Refund& r : p.refunds) {
    if (r.status == RefundStatus::pending) sooner(r.created);
  }
  return due;
}

}  // namespace payledger::payments
