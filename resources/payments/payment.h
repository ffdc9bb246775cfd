#pragma once
// Direct API payments (seed 002): a card payment decided asynchronously by the test network,
// with 3-D Secure and refunds, in one stream per payment (pay_<uuid>). Pure: events, state,
// decide and evolve; no I/O, no JSON, no HTTP. Time and generated values come in commands.
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/events.h"
#include "domain/expected.h"
#include "domain/fields.h"
#include "domain/money.h"
#include "domain/types.h"
#include "resources/payments/card.h"

namespace payledger::payments {

using domain::Field;

struct PaymentIdTag {};
struct RefundIdTag {};
using PaymentId = domain::Strong<PaymentIdTag, std::string>;  // pay_<uuid>
using RefundId = domain::Strong<RefundIdTag, std::string>;    // ref_<uuid>

enum class Status : std::uint8_t { pending, succeeded, failed, requires_action, expired, canceled };
enum class RefundStatus : std::uint8_t { pending, succeeded, failed };

}  // namespace payledger::payments

namespace payledger::domain {
template <>
struct EnumNames<payments::Status> {
  using S = payments::Status;
  static constexpr std::array<std::pair<std::string_view, S>, 6> kNames = {{
      {"pending", S::pending},
      {"succeeded", S::succeeded},
      {"failed", S::failed},
      {"requires_action", S::requires_action},
      {"expired", S::expired},
      {"canceled", S::canceled},
  }};
};
template <>
struct EnumNames<payments::RefundStatus> {
  using S = payments::RefundStatus;
  static constexpr std::array<std::pair<std::string_view, S>, 3> kNames = {{
      {"pending", S::pending},
      {"succeeded", S::succeeded},
      {"failed", S::failed},
  }};
};
}  // namespace payledger::domain

namespace payledger::payments {

// The paying customer as the merchant describes them (seed 002's customer object).
struct Customer {
  std::string email, first_name, last_name, country, phone, address, city, zip;
  bool operator==(const Customer&) const = default;
  bool empty() const { return *this == Customer{}; }
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("email", s.email, Field::nullable);
    v("first_name", s.first_name, Field::nullable);
    v("last_name", s.last_name, Field::nullable);
    v("country", s.country, Field::nullable);
    v("phone", s.phone, Field::nullable);
    v("address", s.address, Field::nullable);
    v("city", s.city, Field::nullable);
    v("zip", s.zip, Field::nullable);
  }
};

// --- events ----------------------------------------------------------------------------------

struct PaymentCreated {
  static constexpr std::string_view kType = "payment.created";
  static constexpr int kSchemaVersion = 1;
  static constexpr std::string_view kSummary =
      "a card payment was submitted (pending); the card as kept, never its number or CVC";
  PaymentId id;
  domain::Amount amount;
  domain::Currency currency;
  std::string description;
  CardFacts card;
  Customer customer;
  domain::Metadata metadata;
  std::string return_url;
  NetworkProfile network;       // what the test network will answer for this card
  std::string challenge_url;    // the 3-D Secure page, when the card will be challenged
  std::string challenge_token;  // what that page must present (part of its URL)
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("id", s.id);
    v("amount", s.amount);
    v("currency", s.currency);
    v("description", s.description, Field::nullable);
    v("card", s.card);
    v("customer", s.customer);
    v("metadata", s.metadata);
    v("return_url", s.return_url, Field::nullable);
    v("network", s.network);
    v("challenge_url", s.challenge_url, Field::nullable);
    v("challenge_token", s.challenge_token, Field::nullable);
  }
};

struct PaymentRequiresAction {
  static constexpr std::string_view kType = "payment.requires_action";
  static constexpr int kSchemaVersion = 1;
  static constexpr std::string_view kSummary =
      "the network asks for 3-D Secure: the customer must pass the challenge page in time";
  domain::UnixSeconds expires_at;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("expires_at", s.expires_at);
  }
};

struct PaymentSucceeded {
  static constexpr std::string_view kType = "payment.succeeded";
  static constexpr int kSchemaVersion = 1;
  static constexpr std::string_view kSummary = "the network authorized the payment";
  std::string provider_transaction_id;
  bool three_d_secure = false;  // after a completed challenge
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("provider_transaction_id", s.provider_transaction_id);
    v("three_d_secure", s.three_d_secure);
  }
};

struct PaymentFailed {
  static constexpr std::string_view kType = "payment.failed";
  static constexpr int kSchemaVersion = 1;
  static constexpr std::string_view kSummary =
      "the network declined the payment, or its 3-D Secure challenge failed";
  std::string decline_code;
  std::string decline_message;
  std::string provider_transaction_id;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("decline_code", s.decline_code);
    v("decline_message", s.decline_message);
    v("provider_transaction_id", s.provider_transaction_id, Field::nullable);
  }
};

struct PaymentExpired {
  static constexpr std::string_view kType = "payment.expired";
  static constexpr int kSchemaVersion = 1;
  static constexpr std::string_view kSummary =
      "the 3-D Secure challenge was not completed in time (three_d_secure_timeout)";
  std::string decline_code;
  std::string decline_message;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("decline_code", s.decline_code);
    v("decline_message", s.decline_message);
  }
};

struct PaymentCanceled {
  static constexpr std::string_view kType = "payment.canceled";
  static constexpr int kSchemaVersion = 1;
  static constexpr std::string_view kSummary = "the merchant canceled the payment before its end";
  template <class S, class V>
  static void fields(S&, V&) {}
};

struct RefundCreated {
  static constexpr std::string_view kType = "payment.refund_created";
  static constexpr int kSchemaVersion = 1;
  static constexpr std::string_view kSummary = "a refund of a succeeded payment was asked for";
  RefundId refund_id;
  domain::Amount amount;
  std::string reason;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("refund_id", s.refund_id);
    v("amount", s.amount);
    v("reason", s.reason, Field::nullable);
  }
};

struct RefundSucceeded {
  static constexpr std::string_view kType = "payment.refund_succeeded";
  static constexpr int kSchemaVersion = 1;
  static constexpr std::string_view kSummary = "the network returned a refund to the card";
  RefundId refund_id;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("refund_id", s.refund_id);
  }
};

struct RefundFailed {
  static constexpr std::string_view kType = "payment.refund_failed";
  static constexpr int kSchemaVersion = 1;
  static constexpr std::string_view kSummary =
      "the network refused a refund; its amount is refundable again";
  RefundId refund_id;
  std::string failure_code;
  std::string failure_message;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("refund_id", s.refund_id);
    v("failure_code", s.failure_code);
    v("failure_message", s.failure_message);
  }
};

using Event =
    std::variant<PaymentCreated, PaymentRequiresAction, PaymentSucceeded, PaymentFailed,
                 PaymentExpired, PaymentCanceled, RefundCreated, RefundSucceeded, RefundFailed>;

// --- state -----------------------------------------------------------------------------------

struct Refund {
  RefundId id;
  domain::Amount amount;
  std::string reason;
  RefundStatus status = RefundStatus::pending;
  domain::UnixSeconds created;
  std::optional<domain::UnixSeconds> settled_at;
  std::string failure_code;
  std::string failure_message;
  bool operator==(const Refund&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("id", s.id);
    v("amount", s.amount);
    v("reason", s.reason, Field::nullable);
    v("status", s.status);
    v("created", s.created);
    v("settled_at", s.settled_at);
    v("failure_code", s.failure_code, Field::nullable);
    v("failure_message", s.failure_message, Field::nullable);
  }
};

// The payment as its events leave it: what it was created with, and where it stands.
struct Payment : PaymentCreated {
  Status status = Status::pending;
  domain::UnixSeconds created;
  std::optional<domain::UnixSeconds> action_expires_at;  // while requires_action
  std::string decline_code;
  std::string decline_message;
  std::string provider_transaction_id;
  bool three_d_secure = false;
  std::optional<domain::UnixSeconds> succeeded_at;
  std::optional<domain::UnixSeconds> failed_at;  // failed or expired
  std::optional<domain::UnixSeconds> canceled_at;
  std::optional<domain::UnixSeconds> refunded_at;  // when refunded_amount reached the amount
  domain::Amount refunded_amount;                  // succeeded refunds only
  std::vector<Refund> refunds;                     // oldest first
  bool operator==(const Payment&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    PaymentCreated::fields(s, v);
    v("status", s.status);
    v("created", s.created);
    v("action_expires_at", s.action_expires_at);
    v("decline_code", s.decline_code, Field::nullable);
    v("decline_message", s.decline_message, Field::nullable);
    v("provider_transaction_id", s.provider_transaction_id, Field::nullable);
    v("three_d_secure", s.three_d_secure);
    v("succeeded_at", s.succeeded_at);
    v("failed_at", s.failed_at);
    v("canceled_at", s.canceled_at);
    v("refunded_at", s.refunded_at);
    v("refunded_amount", s.refunded_amount);
    v("refunds", s.refunds);
  }
  // What is neither refunded nor being refunded.
  domain::Amount refundable() const;
};

// --- commands --------------------------------------------------------------------------------

// Ordered by precedence: existence, then the command's own values, then the payment's state,
// then amounts that depend on the state.
enum class Rejection : std::uint8_t {
  payment_exists,            // create: the id is taken (a generated id collided)
  payment_missing,           // any other command: no such payment
  amount_invalid,            // not 1..99,999,999
  return_url_required,       // a card that will be challenged, and no return_url
  challenge_token_invalid,   // the challenge page was opened with another token
  not_pending,               // process: already decided
  not_awaiting_action,       // authenticate or expire: not in requires_action
  action_expired,            // authenticate: the challenge timed out (expiry is on its way)
  not_due,                   // expire: before its time (internal sweeps only)
  not_cancelable,            // cancel: neither pending nor requires_action
  not_refundable,            // refund: the payment has not succeeded
  refund_amount_invalid,     // refund: not 1..99,999,999
  fully_refunded,            // refund: nothing is left to refund
  refund_exceeds_remaining,  // refund: more than is neither refunded nor being refunded
  no_pending_refund,         // settle refunds: none waits
};
std::string_view name(Rejection r);

struct CreatePayment {
  PaymentCreated payment;  // as it will be recorded
  std::int64_t amount_minor = 0;
};
// The test network's answer to a pending payment.
struct ProcessPayment {
  std::string provider_transaction_id;
  domain::UnixSeconds now;
  std::int64_t action_timeout_seconds = 15 * 60;
};
// The customer's answer on the challenge page.
struct AuthenticatePayment {
  std::string token;  // from the challenge URL
  bool completed = false;
  std::string provider_transaction_id;  // the network's reference, when it authorizes
  domain::UnixSeconds now;
};
struct ExpirePayment {
  domain::UnixSeconds now;
};
struct CancelPayment {};
struct RefundPayment {
  RefundId refund_id;
  std::optional<std::int64_t> amount_minor;  // default: everything refundable
  std::string reason;
};
// The test network's answer to every pending refund.
struct SettleRefunds {};

using State = std::optional<Payment>;
using Decision = Expected<std::vector<Event>, Rejection>;

Decision decide(const State& state, const CreatePayment& cmd);
Decision decide(const State& state, const ProcessPayment& cmd);
Decision decide(const State& state, const AuthenticatePayment& cmd);
Decision decide(const State& state, const ExpirePayment& cmd);
Decision decide(const State& state, const CancelPayment& cmd);
Decision decide(const State& state, const RefundPayment& cmd);
Decision decide(const State& state, const SettleRefunds& cmd);

// REQUIRES: `event` is the stream's next.
State evolve(State state, const domain::RecordedOf<Event>& event);

// When the payment has time-driven work: processing, a challenge's expiry, pending refunds.
std::optional<domain::UnixSeconds> due_at(const Payment& p);

// Whether `token` is the payment's challenge token (compared in constant time).
bool token_matches(const Payment& p, std::string_view token);

}  // namespace payledger::payments
