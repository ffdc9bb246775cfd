#pragma once
// The PaymentIntent decider. One state machine holds every rule of a payment and its refunds:
//   decide(state, command) -> events | rejection    (pure; time and ids come in the command)
//   evolve(state, recorded event) -> state          (pure; never fails on a valid stream)
#include <optional>
#include <string>
#include <vector>

#include "domain/expected.h"
#include "domain/money.h"
#include "domain/types.h"
#include "resources/payment_intents/events.h"
#include "resources/payment_intents/rejection.h"

namespace payledger::payment_intents {

enum class IntentStatus : std::uint8_t {
  requires_payment_method,
  requires_confirmation,
  requires_action,
  processing,
  requires_capture,
  succeeded,
  partially_refunded,
  refunded,
  canceled,
};
std::string_view to_string(IntentStatus s);
std::optional<IntentStatus> parse_intent_status(std::string_view s);

}  // namespace payledger::payment_intents

namespace payledger::domain {
template <>
struct EnumNames<payment_intents::IntentStatus> {
  using E = payment_intents::IntentStatus;
  static constexpr std::array<std::pair<std::string_view, E>, 9> kNames = {{
      {"requires_payment_method", E::requires_payment_method},
      {"requires_confirmation", E::requires_confirmation},
      {"requires_action", E::requires_action},
      {"processing", E::processing},
      {"requires_capture", E::requires_capture},
      {"succeeded", E::succeeded},
      {"partially_refunded", E::partially_refunded},
      {"refunded", E::refunded},
      {"canceled", E::canceled},
  }};
};
}  // namespace payledger::domain

namespace payledger::payment_intents {

enum class ChargeStatus : std::uint8_t { pending, succeeded, failed };
}  // namespace payledger::payment_intents

namespace payledger::domain {
template <>
struct EnumNames<payment_intents::ChargeStatus> {
  using E = payment_intents::ChargeStatus;
  static constexpr std::array<std::pair<std::string_view, E>, 3> kNames = {{
      {"pending", E::pending},
      {"succeeded", E::succeeded},
      {"failed", E::failed},
  }};
};
}  // namespace payledger::domain

namespace payledger::payment_intents {
std::string_view to_string(ChargeStatus s);
std::optional<ChargeStatus> parse_charge_status(std::string_view s);

struct Charge {
  ChargeId id;
  Amount amount;
  Amount amount_captured;
  Amount amount_refunded;
  ChargeStatus status = ChargeStatus::pending;
  bool captured = false;
  // All of it went back: every captured amount was refunded, or an uncaptured authorization
  // was released by a cancel (then amount_refunded is the released amount, as Stripe shows).
  bool refunded = false;
  PaymentMethodId payment_method;
  std::string failure_code;
  std::string failure_message;
  UnixSeconds created;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("id", s.id);
    v("amount", s.amount);
    v("amount_captured", s.amount_captured);
    v("amount_refunded", s.amount_refunded);
    v("status", s.status);
    v("captured", s.captured);
    v("refunded", s.refunded);
    v("payment_method", s.payment_method, Field::nullable);
    v("failure_code", s.failure_code, Field::nullable);
    v("failure_message", s.failure_message, Field::nullable);
    v("created", s.created);
  }
  bool operator==(const Charge&) const = default;
};

struct PaymentError {
  std::string code;
  std::string decline_code;
  std::string message;
  PaymentMethodId payment_method;
  ChargeId charge;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("code", s.code);
    v("decline_code", s.decline_code, Field::nullable);
    v("message", s.message);
    v("payment_method", s.payment_method);
    v("charge", s.charge);
  }
  bool operator==(const PaymentError&) const = default;
};

struct NextAction {
  std::string redirect_url;
  std::string return_url;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("redirect_url", s.redirect_url);
    v("return_url", s.return_url, Field::nullable);
  }
  bool operator==(const NextAction&) const = default;
};

// A refund of the intent's captured charge (refunds live in the intent's stream).
struct Refund {
  RefundId id;
  ChargeId charge;
  Amount amount;
  std::optional<RefundReason> reason;
  Metadata metadata;
  UnixSeconds created;
  bool operator==(const Refund&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("id", s.id);
    v("charge", s.charge);
    v("amount", s.amount);
    v("reason", s.reason);
    v("metadata", s.metadata);
    v("created", s.created);
  }
};

struct PaymentIntent {
  PaymentIntentId id;
  MerchantId merchant;
  StreamVersion version;
  Money amount;
  IntentStatus status = IntentStatus::requires_payment_method;
  CaptureMethod capture_method = CaptureMethod::automatic;
  Amount amount_capturable;
  Amount amount_received;
  Amount amount_refunded;
  std::string customer;
  std::string description;
  Metadata metadata;
  std::optional<PaymentMethodId> payment_method;
  std::string client_secret;
  // A Checkout Session's intent is confirmed, canceled and repriced only through that session.
  std::string checkout_session = {};
  // The test clock it lives on (its customer's at creation, fixed): the times of its events and
  // its authorization's expiry are that clock's.
  std::string test_clock = {};
  std::optional<PaymentError> last_payment_error;
  std::optional<NextAction> next_action;
  std::vector<Charge> charges;
  std::vector<Refund> refunds;  // oldest first
  std::optional<UnixSeconds> canceled_at;
  std::optional<CancellationReason> cancellation_reason;
  UnixSeconds created;
  // The state as the views keep it (the version lives beside it).
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("id", s.id);
    v("merchant", s.merchant);
    v("version", s.version);
    v("amount", s.amount.amount);
    v("currency", s.amount.currency);
    v("status", s.status);
    v("capture_method", s.capture_method);
    v("amount_capturable", s.amount_capturable);
    v("amount_received", s.amount_received);
    v("amount_refunded", s.amount_refunded);
    v("customer", s.customer, Field::nullable);
    v("description", s.description, Field::nullable);
    v("metadata", s.metadata);
    v("payment_method", s.payment_method);
    v("client_secret", s.client_secret);
    v("checkout_session", s.checkout_session, Field::nullable);
    v("test_clock", s.test_clock, Field::nullable);
    v("last_payment_error", s.last_payment_error);
    v("next_action", s.next_action);
    v("charges", s.charges);
    v("refunds", s.refunds);
    v("canceled_at", s.canceled_at);
    v("cancellation_reason", s.cancellation_reason);
    v("created", s.created);
  }
  bool operator==(const PaymentIntent&) const = default;
};

// Absent until the stream's first event.
using IntentState = std::optional<PaymentIntent>;

// Uncaptured authorizations are canceled this long after they were authorized.
inline constexpr std::int64_t kAuthorizationExpirySeconds = 7 * kSecondsPerDay;

// When the next time-driven step is due: expiry of an authorization (requires_capture) or the
// settlement of an asynchronous payment (processing). nullopt when nothing waits on time.
std::optional<UnixSeconds> due_at(const PaymentIntent& intent);

struct CreateIntent {
  PaymentIntentId id;
  std::int64_t amount_minor = 0;
  std::string currency;
  std::string capture_method = "automatic";
  std::string customer;
  std::string description;
  Metadata metadata;
  std::optional<std::string> payment_method;
  std::string client_secret;
  UnixSeconds now;
  std::string checkout_session = {};  // the session that will manage it, or ""
  std::string test_clock = {};        // the clock the customer lives on; `now` is its time
};
// `checkout_session` in a command: the session acting for its intent; "": the merchant's API.
struct ConfirmIntent {
  std::optional<std::string> payment_method;
  std::string return_url;
  ChargeId charge_id;  // used if the confirmation creates a charge
  UnixSeconds now;
  std::string authentication_url;  // where the customer authenticates, if the card asks for it
  std::string checkout_session = {};
};
// Each field given replaces the intent's; metadata is patched. The amount only before
// confirmation; nothing once canceled.
struct UpdateIntent {
  std::optional<std::int64_t> amount_minor;
  std::optional<std::string> customer;
  std::optional<std::string> description;
  MetadataPatch metadata;
  UnixSeconds now;
  std::string checkout_session = {};
};
struct CaptureIntent {
  std::optional<std::int64_t> amount_to_capture_minor;  // default: all that is capturable
  UnixSeconds now;
};
struct CancelIntent {
  std::optional<std::string> cancellation_reason;
  UnixSeconds now;
  std::string checkout_session = {};
};
struct RefundIntent {
  RefundId refund_id;
  std::optional<std::int64_t> amount_minor;  // default: all that remains refundable
  std::optional<std::string> reason;
  Metadata metadata;
  UnixSeconds now;
};
// The customer failed a 3-D Secure challenge: the charge fails, and the intent waits for a
// payment method again.
struct FailAuthentication {
  ChargeId charge_id;
  UnixSeconds now;
};
// Time-driven commands, issued by the due-time sweep.
struct ExpireIntent {
  UnixSeconds now;
};
struct SettleIntent {
  UnixSeconds now;
};

using Decision = Expected<std::vector<Event>, Rejection>;

Decision decide(const IntentState& state, const CreateIntent& cmd);
Decision decide(const IntentState& state, const ConfirmIntent& cmd);
Decision decide(const IntentState& state, const UpdateIntent& cmd);
Decision decide(const IntentState& state, const CaptureIntent& cmd);
Decision decide(const IntentState& state, const CancelIntent& cmd);
Decision decide(const IntentState& state, const RefundIntent& cmd);
Decision decide(const IntentState& state, const FailAuthentication& cmd);
Decision decide(const IntentState& state, const ExpireIntent& cmd);
Decision decide(const IntentState& state, const SettleIntent& cmd);

// REQUIRES: `event` is the next event of this intent's stream (version == state version + 1),
// and belongs to a payment intent stream. A stream that breaks the rules aborts (PL_ASSERT).
IntentState evolve(IntentState state, const Recorded& event);

}  // namespace payledger::payment_intents
