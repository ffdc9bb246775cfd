#pragma once
// The immutable facts of payledger. Each is stored once in the log and never changed; their
// JSON form (docs/events.md) is what analysts read.
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "domain/money.h"
#include "domain/types.h"

namespace payledger::domain {

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

struct IntentCreated {  // the merchant is the envelope's (EventMeta::merchant)
  PaymentIntentId id;
  Money amount;
  CaptureMethod capture_method = CaptureMethod::automatic;
  std::string customer;
  std::string description;
  Metadata metadata;
  std::optional<PaymentMethodId> payment_method;
  std::string client_secret;
};
struct IntentConfirmed {
  PaymentMethodId payment_method;
  std::string return_url;
};
struct IntentRequiresAction {
  std::string redirect_url;
};
struct IntentProcessing {  // an asynchronous payment method took the charge; it settles later
  ChargeId charge_id;
};
struct IntentAuthorized {  // the network approved; the charge holds `amount`, not yet captured
  ChargeId charge_id;
  Amount amount;
};
struct IntentCaptured {  // money moved: amount_received grows by `amount`
  ChargeId charge_id;
  Amount amount;
};
struct IntentPaymentFailed {
  ChargeId charge_id;
  PaymentMethodId payment_method;
  std::string code;
  std::string decline_code;
  std::string message;
};
struct IntentCanceled {
  CancellationReason reason = CancellationReason::requested_by_customer;
};
struct RefundCreated {
  RefundId id;
  ChargeId charge_id;
  Amount amount;
  Currency currency;
  std::optional<RefundReason> reason;
  Metadata metadata;
};
struct MerchantCreated {
  MerchantId id;
  std::string name;
};
struct ApiKeyCreated {
  std::string key_sha256;  // hex of SHA-256 of the secret key; the key itself is never stored
  std::string key_last4;
};

using Event = std::variant<IntentCreated, IntentConfirmed, IntentRequiresAction, IntentProcessing,
                           IntentAuthorized, IntentCaptured, IntentPaymentFailed, IntentCanceled,
                           RefundCreated, MerchantCreated, ApiKeyCreated>;

// The event type analysts see: "payment_intent.created", "refund.created", ...
std::string_view event_type(const Event& e);

inline constexpr int kEventSchemaVersion = 1;

// What the log adds to every fact: who, which stream, where in it, and when.
struct EventMeta {
  EventId id;
  std::string stream_id;  // the aggregate's id: pi_... or mer_...
  StreamVersion version;
  MerchantId merchant;
  UnixSeconds occurred_at;
};

struct Recorded {
  EventMeta meta;
  Event body;
};

}  // namespace payledger::domain
