#pragma once
// The PaymentIntent's immutable facts (payment_intent.*, refund.created). Each is stored once in
// the log and never changed; their JSON form (docs/events.md) is what analysts read.
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "domain/events.h"
#include "domain/fields.h"
#include "domain/money.h"
#include "domain/types.h"

namespace payledger::payment_intents {

using domain::Amount;
using domain::Currency;
using domain::Field;
using domain::kSecondsPerDay;
using domain::MerchantId;
using domain::Metadata;
using domain::MetadataPatch;
using domain::Money;
using domain::StreamVersion;
using domain::UnixSeconds;

// The ids of an intent's stream: the intent, its charges and refunds, and the payment methods of
// the test network (test_cards.h).
// clang-format off
struct PaymentIntentIdTag {}; struct ChargeIdTag {}; struct RefundIdTag {};
struct PaymentMethodIdTag {};
// clang-format on
using PaymentIntentId = domain::Strong<PaymentIntentIdTag, std::string>;
using ChargeId = domain::Strong<ChargeIdTag, std::string>;
using RefundId = domain::Strong<RefundIdTag, std::string>;
using PaymentMethodId = domain::Strong<PaymentMethodIdTag, std::string>;

enum class CaptureMethod : std::uint8_t { automatic, manual };
enum class CancellationReason : std::uint8_t {
  duplicate,
  fraudulent,
  requested_by_customer,
  abandoned,
  automatic,  // given by payledger itself when an authorization expires
};
enum class RefundReason : std::uint8_t { duplicate, fraudulent, requested_by_customer };

std::string_view to_string(CaptureMethod m);
std::string_view to_string(CancellationReason r);
std::string_view to_string(RefundReason r);
std::optional<CaptureMethod> parse_capture_method(std::string_view s);
// Only the reasons a merchant may give: `automatic` is payledger's own.
std::optional<CancellationReason> parse_cancellation_reason(std::string_view s);
// Any reason an event may carry, `automatic` included (for reading the log and views).
std::optional<CancellationReason> parse_recorded_cancellation_reason(std::string_view s);
std::optional<RefundReason> parse_refund_reason(std::string_view s);

}  // namespace payledger::payment_intents

namespace payledger::domain {
template <>
struct EnumNames<payment_intents::CaptureMethod> {
  using E = payment_intents::CaptureMethod;
  static constexpr std::array<std::pair<std::string_view, E>, 2> kNames = {{
      {"automatic", E::automatic},
      {"manual", E::manual},
  }};
};
template <>
struct EnumNames<payment_intents::CancellationReason> {
  using E = payment_intents::CancellationReason;
  static constexpr std::array<std::pair<std::string_view, E>, 5> kNames = {{
      {"duplicate", E::duplicate},
      {"fraudulent", E::fraudulent},
      {"requested_by_customer", E::requested_by_customer},
      {"abandoned", E::abandoned},
      {"automatic", E::automatic},
  }};
};
template <>
struct EnumNames<payment_intents::RefundReason> {
  using E = payment_intents::RefundReason;
  static constexpr std::array<std::pair<std::string_view, E>, 3> kNames = {{
      {"duplicate", E::duplicate},
      {"fraudulent", E::fraudulent},
      {"requested_by_customer", E::requested_by_customer},
  }};
};

}  // namespace payledger::domain

namespace payledger::payment_intents {

// Each event names its type and schema version and lists its fields once (domain/fields.h):
// the codec, the JSON Schemas (docs/schemas) and docs/events.md follow from these lists.
struct IntentCreated {  // the merchant is the envelope's (EventMeta::merchant)
  static constexpr std::string_view kType = "payment_intent.created";
  static constexpr std::string_view kSummary =
      "an intent exists; status requires_payment_method, or requires_confirmation with a payment "
      "method";
  static constexpr int kSchemaVersion = 1;
  PaymentIntentId id;
  Money amount;
  CaptureMethod capture_method = CaptureMethod::automatic;
  std::string customer;
  std::string description;
  Metadata metadata;
  std::optional<PaymentMethodId> payment_method;
  std::string client_secret;
  std::string checkout_session;  // the session that manages it (cs_...), or ""
  std::string test_clock = {};   // the test clock its customer lives on (clock_...), or ""
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("id", s.id);
    v("amount", s.amount.amount);
    v("currency", s.amount.currency);
    v("capture_method", s.capture_method);
    v("customer", s.customer, Field::nullable);
    v("description", s.description, Field::nullable);
    v("metadata", s.metadata);
    v("payment_method", s.payment_method);
    v("client_secret", s.client_secret);
    v("checkout_session", s.checkout_session, Field::nullable);
    v("test_clock", s.test_clock, Field::nullable);
  }
};
struct IntentUpdated {  // the updatable fields, all of them after the update
  static constexpr std::string_view kType = "payment_intent.updated";
  static constexpr std::string_view kSummary =
      "the merchant changed the amount (before confirmation), customer, description or metadata; "
      "data is all four after the change";
  static constexpr int kSchemaVersion = 1;
  Amount amount;
  std::string customer;
  std::string description;
  Metadata metadata;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("amount", s.amount);
    v("customer", s.customer, Field::nullable);
    v("description", s.description, Field::nullable);
    v("metadata", s.metadata);
  }
};
struct IntentConfirmed {
  static constexpr std::string_view kType = "payment_intent.confirmed";
  static constexpr std::string_view kSummary = "the merchant confirmed with this payment method";
  static constexpr int kSchemaVersion = 1;
  PaymentMethodId payment_method;
  std::string return_url;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("payment_method", s.payment_method);
    v("return_url", s.return_url, Field::nullable);
  }
};
struct IntentRequiresAction {
  static constexpr std::string_view kType = "payment_intent.requires_action";
  static constexpr std::string_view kSummary = "the customer must authenticate (3-D Secure)";
  static constexpr int kSchemaVersion = 1;
  std::string redirect_url;
  // The confirm's return_url, carried here so that the event which sets next_action holds all
  // of it (absent in events written before it was added: read as null).
  std::string return_url;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("redirect_url", s.redirect_url);
    v("return_url", s.return_url, Field::nullable);
  }
};
struct IntentProcessing {  // an asynchronous payment method took the charge; it settles later
  static constexpr std::string_view kType = "payment_intent.processing";
  static constexpr std::string_view kSummary =
      "an asynchronous payment method took a pending charge";
  static constexpr int kSchemaVersion = 1;
  ChargeId charge_id;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("charge", s.charge_id);
  }
};
struct IntentAuthorized {  // the network approved; the charge holds `amount`, not yet captured
  static constexpr std::string_view kType = "payment_intent.authorized";
  static constexpr std::string_view kSummary =
      "the network approved: amount is held on charge, not yet captured";
  static constexpr int kSchemaVersion = 1;
  ChargeId charge_id;
  Amount amount;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("charge", s.charge_id);
    v("amount", s.amount);
  }
};
struct IntentCaptured {  // money moved: amount_received grows by `amount`
  static constexpr std::string_view kType = "payment_intent.captured";
  static constexpr std::string_view kSummary =
      "money moved: amount was captured on charge; status succeeded";
  static constexpr int kSchemaVersion = 1;
  ChargeId charge_id;
  Amount amount;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("charge", s.charge_id);
    v("amount", s.amount);
  }
};
struct IntentPaymentFailed {
  static constexpr std::string_view kType = "payment_intent.payment_failed";
  static constexpr std::string_view kSummary =
      "the charge failed; status back to requires_payment_method";
  static constexpr int kSchemaVersion = 1;
  ChargeId charge_id;
  PaymentMethodId payment_method;
  std::string code;
  std::string decline_code;
  std::string message;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("charge", s.charge_id);
    v("payment_method", s.payment_method);
    v("code", s.code);
    v("decline_code", s.decline_code, Field::nullable);
    v("message", s.message);
  }
};
struct IntentCanceled {
  static constexpr std::string_view kType = "payment_intent.canceled";
  static constexpr std::string_view kSummary =
      "canceled; automatic when an authorization expired after 7 days";
  static constexpr int kSchemaVersion = 1;
  CancellationReason reason = CancellationReason::requested_by_customer;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("cancellation_reason", s.reason);
  }
};
struct RefundCreated {  // in the intent's stream: a refund belongs to its payment
  static constexpr std::string_view kType = "refund.created";
  static constexpr std::string_view kSummary =
      "money returned: amount refunded on charge; lives in the intent's stream";
  static constexpr int kSchemaVersion = 1;
  RefundId id;
  ChargeId charge_id;
  Amount amount;
  Currency currency;
  std::optional<RefundReason> reason;
  Metadata metadata;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("id", s.id);
    v("charge", s.charge_id);
    v("amount", s.amount);
    v("currency", s.currency);
    v("reason", s.reason);
    v("metadata", s.metadata);
  }
};

// The events of a payment intent's stream.
using IntentEvent =
    std::variant<IntentCreated, IntentUpdated, IntentConfirmed, IntentRequiresAction,
                 IntentProcessing, IntentAuthorized, IntentCaptured, IntentPaymentFailed,
                 IntentCanceled, RefundCreated>;

// The event type analysts see: "payment_intent.created", "refund.created", ...
std::string_view event_type(const IntentEvent& e);

using Event = IntentEvent;
using Recorded = domain::RecordedOf<IntentEvent>;

}  // namespace payledger::payment_intents
