#pragma once
// Checkout Sessions (seed 004): one checkout attempt, in one stream per session (cs_...). A
// session holds what is bought and how it may be paid; its PaymentIntent (created with it, in
// the same append) holds the money. Completion pays the intent and completes the session in one
// append, and in order mode creates the Order. Pure: events, state, decide and evolve; no I/O,
// no JSON, no HTTP. Time and generated ids come in commands.
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
#include "resources/customers/customer.h"
#include "resources/orders/order.h"
#include "resources/payment_intents/events.h"

namespace payledger::checkout_sessions {

using domain::Field;

struct SessionIdTag {};
using SessionId = domain::Strong<SessionIdTag, std::string>;  // cs_...

enum class Mode : std::uint8_t { payment, order };
enum class UiMode : std::uint8_t { hosted, embedded, custom };
enum class Status : std::uint8_t { open, complete, expired };
enum class PaymentStatus : std::uint8_t { unpaid, paid };
enum class CustomerCreation : std::uint8_t { if_required, always };

}  // namespace payledger::checkout_sessions

namespace payledger::domain {
template <>
struct EnumNames<checkout_sessions::Mode> {
  static constexpr std::array<std::pair<std::string_view, checkout_sessions::Mode>, 2> kNames = {{
      {"payment", checkout_sessions::Mode::payment},
      {"order", checkout_sessions::Mode::order},
  }};
};
template <>
struct EnumNames<checkout_sessions::UiMode> {
  using U = checkout_sessions::UiMode;
  static constexpr std::array<std::pair<std::string_view, U>, 3> kNames = {{
      {"hosted", U::hosted},
      {"embedded", U::embedded},
      {"custom", U::custom},
  }};
};
template <>
struct EnumNames<checkout_sessions::Status> {
  using S = checkout_sessions::Status;
  static constexpr std::array<std::pair<std::string_view, S>, 3> kNames = {{
      {"open", S::open},
      {"complete", S::complete},
      {"expired", S::expired},
  }};
};
template <>
struct EnumNames<checkout_sessions::PaymentStatus> {
  using S = checkout_sessions::PaymentStatus;
  static constexpr std::array<std::pair<std::string_view, S>, 2> kNames = {{
      {"unpaid", S::unpaid},
      {"paid", S::paid},
  }};
};
template <>
struct EnumNames<checkout_sessions::CustomerCreation> {
  using C = checkout_sessions::CustomerCreation;
  static constexpr std::array<std::pair<std::string_view, C>, 2> kNames = {{
      {"if_required", C::if_required},
      {"always", C::always},
  }};
};
}  // namespace payledger::domain

namespace payledger::checkout_sessions {

// The longest and shortest a session may stay open (seed 004): a year by default, at least 30
// minutes.
inline constexpr std::int64_t kMinLifetimeSeconds = 30 * 60;
inline constexpr std::int64_t kDefaultLifetimeSeconds = 365 * domain::kSecondsPerDay;
inline constexpr std::size_t kMaxLineItems = 100;
inline constexpr std::size_t kMaxShippingOptions = 10;

// --- events ----------------------------------------------------------------------------------

struct SessionCreated {
  static constexpr std::string_view kType = "checkout.session.created";
  static constexpr int kSchemaVersion = 1;
  static constexpr std::string_view kSummary =
      "a checkout session is open: its line items, shipping options, URLs and PaymentIntent";
  SessionId id;
  Mode mode = Mode::payment;
  UiMode ui_mode = UiMode::hosted;
  domain::Currency currency;
  std::vector<orders::LineItem> line_items;
  domain::Amount amount_subtotal;
  std::vector<orders::ShippingRate> shipping_options;  // the first is chosen by default
  bool collects_shipping_address = false;
  std::vector<std::string> allowed_countries;  // when collecting: ISO 3166-1 alpha-2 codes
  payment_intents::PaymentIntentId payment_intent;
  bool manual_capture = false;  // the intent authorizes only (payment_intent_data)
  std::string customer;         // cus_..., or ""
  std::string test_clock = {};  // the customer's test clock (the session's times are its), or ""
  std::string customer_email;
  CustomerCreation customer_creation = CustomerCreation::if_required;
  std::string success_url;
  std::string cancel_url;
  std::string return_url;
  std::string url;  // the hosted page; "" unless ui_mode is hosted
  std::string client_secret;
  domain::UnixSeconds expires_at;
  domain::Metadata metadata;
  std::string client_reference_id;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("id", s.id);
    v("mode", s.mode);
    v("ui_mode", s.ui_mode);
    v("currency", s.currency);
    v("line_items", s.line_items);
    v("amount_subtotal", s.amount_subtotal);
    v("shipping_options", s.shipping_options);
    v("collects_shipping_address", s.collects_shipping_address);
    v("allowed_countries", s.allowed_countries);
    v("payment_intent", s.payment_intent);
    v("manual_capture", s.manual_capture);
    v("customer", s.customer, Field::nullable);
    v("test_clock", s.test_clock, Field::nullable);
    v("customer_email", s.customer_email, Field::nullable);
    v("customer_creation", s.customer_creation);
    v("success_url", s.success_url, Field::nullable);
    v("cancel_url", s.cancel_url, Field::nullable);
    v("return_url", s.return_url, Field::nullable);
    v("url", s.url, Field::nullable);
    v("client_secret", s.client_secret);
    v("expires_at", s.expires_at);
    v("metadata", s.metadata);
    v("client_reference_id", s.client_reference_id, Field::nullable);
  }
};

// Who paid, as the checkout form collected them.
using CustomerDetails = orders::BillingDetails;

struct SessionCompleted {
  static constexpr std::string_view kType = "checkout.session.completed";
  static constexpr int kSchemaVersion = 1;
  static constexpr std::string_view kSummary =
      "the customer paid: who, where to ship, the shipping chosen, the total and the order";
  std::string customer;  // the session's, the one created for it, or "" for a guest
  CustomerDetails customer_details;
  std::optional<customers::Shipping> shipping_details;
  std::optional<orders::ShippingRate> shipping_rate;
  domain::Amount amount_total;
  PaymentStatus payment_status = PaymentStatus::paid;
  std::string order;  // ord_... in order mode
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("customer", s.customer, Field::nullable);
    v("customer_details", s.customer_details);
    v("shipping_details", s.shipping_details);
    v("shipping_rate", s.shipping_rate);
    v("amount_total", s.amount_total);
    v("payment_status", s.payment_status);
    v("order", s.order, Field::nullable);
  }
};

struct SessionAuthenticationStarted {
  static constexpr std::string_view kType = "checkout.session.authentication_started";
  static constexpr int kSchemaVersion = 1;
  static constexpr std::string_view kSummary =
      "the card asks for 3-D Secure: what the customer gave waits for the challenge's end";
  SessionCompleted pending;  // the completion, once the challenge is passed
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("pending", s.pending);
  }
};

struct SessionExpired {
  static constexpr std::string_view kType = "checkout.session.expired";
  static constexpr int kSchemaVersion = 1;
  static constexpr std::string_view kSummary =
      "the session closed unpaid: at its expires_at, or expired by the merchant";
  bool scheduled = false;  // at expires_at (else by the merchant)
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("scheduled", s.scheduled);
  }
};

using Event =
    std::variant<SessionCreated, SessionCompleted, SessionAuthenticationStarted, SessionExpired>;

// --- state -----------------------------------------------------------------------------------

struct Session : SessionCreated {
  Status status = Status::open;
  domain::UnixSeconds created;
  std::optional<SessionCompleted> completion;
  std::optional<SessionCompleted> pending;       // while a 3-D Secure challenge is open
  std::optional<domain::UnixSeconds> closed_at;  // completed or expired
  bool operator==(const Session&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    SessionCreated::fields(s, v);
    v("status", s.status);
    v("created", s.created);
    v("completion", s.completion);
    v("pending", s.pending);
    v("closed_at", s.closed_at);
  }
  // The shipping rate `id` names ("" : the default, the first offered); nullptr when none.
  const orders::ShippingRate* shipping_rate(std::string_view id) const;
  // What the customer pays with the shipping rate chosen (or the default until completion).
  std::int64_t amount_total_minor() const;
};

// --- commands --------------------------------------------------------------------------------

// Ordered by precedence: existence, the command's own values, then the session's state, then
// what the customer sent.
enum class Rejection : std::uint8_t {
  session_exists,                // create: the id is taken (a generated id collided)
  session_missing,               // any other command: no such session
  line_items_count,              // create: not 1..100 line items
  quantity_invalid,              // create: a quantity below 1 or above 999,999
  currency_mixed,                // create: line items in more than one currency
  shipping_options_count,        // create: more than 10 shipping options
  shipping_currency_mismatch,    // create: a shipping option in another currency
  amount_invalid,                // create: the total is 0, or with some shipping passes 99,999,999
  success_url_required,          // create: a hosted session needs success_url
  success_url_not_allowed,       // create: embedded and custom sessions come back to return_url
  return_url_not_allowed,        // create: a hosted session comes back to success_url
  expires_at_too_soon,           // create: less than 30 minutes ahead
  expires_at_too_late,           // create: more than a year ahead
  not_open,                      // complete or expire: complete or expired already
  session_expired,               // complete: its expires_at has passed (expiry is on its way)
  not_due,                       // scheduled expiry: before expires_at
  email_required,                // complete: a session without a customer needs an email
  shipping_rate_unknown,         // complete: not one of the session's options
  shipping_address_required,     // complete: the session collects one and none was sent
  shipping_country_not_allowed,  // complete: the address's country is not allowed
  no_pending_authentication,     // finish authentication: no 3-D Secure challenge waits
};
std::string_view name(Rejection r);

// The session as it will be recorded, but for the amounts, which the decider computes from each
// line's unit_amount and quantity.
struct CreateSession {
  SessionCreated session;
  std::vector<domain::Currency> line_currencies;      // of each line item's price
  std::vector<domain::Currency> shipping_currencies;  // of each shipping option
  domain::UnixSeconds now;
};
// The customer's details at payment. The route pays the intent with the decided total.
struct CompleteSession {
  std::string customer;  // the session's own, or the id of the customer made for it, or ""
  CustomerDetails details;
  std::optional<customers::Shipping> shipping;
  std::string shipping_rate;  // an option's id; "": the default
  std::string order;          // the order's id in order mode
  domain::UnixSeconds now;
};
// The card asked for 3-D Secure: keep what CompleteSession decides until the challenge ends.
struct AwaitAuthentication {
  CompleteSession completion;
};
// The challenge was passed and the intent paid: complete with what waited.
struct FinishAuthentication {
  domain::UnixSeconds now;
};
struct ExpireSession {
  bool scheduled = false;  // the sweeper's, at expires_at
  domain::UnixSeconds now;
};

using State = std::optional<Session>;
using Decision = Expected<std::vector<Event>, Rejection>;

Decision decide(const State& state, const CreateSession& cmd);
Decision decide(const State& state, const CompleteSession& cmd);
Decision decide(const State& state, const AwaitAuthentication& cmd);
Decision decide(const State& state, const FinishAuthentication& cmd);
Decision decide(const State& state, const ExpireSession& cmd);

// REQUIRES: `event` is the stream's next.
State evolve(State state, const domain::RecordedOf<Event>& event);

// Whether `secret` opens the session for its customer: its client_secret, or the key of its
// hosted page's URL (the client_secret's last part). Compared in constant time.
bool opens(const Session& s, std::string_view secret);

// When an open session expires; nullopt once it is complete or expired.
std::optional<domain::UnixSeconds> due_at(const Session& s);

// The order a completion in order mode writes, from the session and its completion.
orders::OrderCreated order_of(const Session& s, const SessionCompleted& c, const std::string& id);

}  // namespace payledger::checkout_sessions
