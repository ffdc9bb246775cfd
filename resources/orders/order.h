#pragma once
// Orders (seed 004's order mode): what a customer bought in a completed Checkout Session, with
// the amounts, addresses and shipping the merchant fulfils from. An order is written once, in
// the same atomic append as the session's completion, and never changes. Pure: events, state,
// decide and evolve; no I/O, no JSON, no HTTP.
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
#include "resources/payment_intents/events.h"
#include "resources/prices/id.h"
#include "resources/products/id.h"

namespace payledger::orders {

using domain::Field;

struct OrderIdTag {};
using OrderId = domain::Strong<OrderIdTag, std::string>;  // ord_...

// The units of a delivery estimate (Stripe's shipping rates).
enum class DeliveryUnit : std::uint8_t { hour, day, business_day, week, month };

}  // namespace payledger::orders

namespace payledger::domain {
template <>
struct EnumNames<orders::DeliveryUnit> {
  using U = orders::DeliveryUnit;
  static constexpr std::array<std::pair<std::string_view, U>, 5> kNames = {{
      {"hour", U::hour},
      {"day", U::day},
      {"business_day", U::business_day},
      {"week", U::week},
      {"month", U::month},
  }};
};
}  // namespace payledger::domain

namespace payledger::orders {

// One line of what was bought: a price of a product, times a quantity.
struct LineItem {
  std::string id;  // csli_...
  prices::PriceId price;
  products::ProductId product;
  std::string description;  // the product's name when the session was made
  std::int64_t quantity = 1;
  domain::Amount unit_amount;
  domain::Amount amount_subtotal;  // unit_amount * quantity
  domain::Amount amount_total;     // the same: payledger has no taxes or discounts
  bool operator==(const LineItem&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("id", s.id);
    v("price", s.price);
    v("product", s.product);
    v("description", s.description, Field::nullable);
    v("quantity", s.quantity);
    v("unit_amount", s.unit_amount);
    v("amount_subtotal", s.amount_subtotal);
    v("amount_total", s.amount_total);
  }
};

struct DeliveryBound {
  DeliveryUnit unit = DeliveryUnit::business_day;
  std::int64_t value = 1;
  bool operator==(const DeliveryBound&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("unit", s.unit);
    v("value", s.value);
  }
};

// A way to ship, at a price, as a session offers it (Stripe's shipping_options).
struct ShippingRate {
  std::string id;  // shr_...
  std::string name;
  domain::Amount amount;  // may be 0: free shipping
  std::optional<DeliveryBound> minimum;
  std::optional<DeliveryBound> maximum;
  bool operator==(const ShippingRate&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("id", s.id);
    v("name", s.name);
    v("amount", s.amount);
    v("minimum", s.minimum);
    v("maximum", s.maximum);
  }
};

// Who pays, as the checkout form collected them.
struct BillingDetails {
  std::string email;
  std::string name;
  customers::Address address;
  bool operator==(const BillingDetails&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("email", s.email, Field::nullable);
    v("name", s.name, Field::nullable);
    v("address", s.address);
  }
};

struct OrderCreated {
  static constexpr std::string_view kType = "order.created";
  static constexpr int kSchemaVersion = 1;
  static constexpr std::string_view kSummary =
      "a checkout session in order mode was paid: what to fulfil, where, and for how much";
  OrderId id;
  std::string checkout_session;  // cs_...
  payment_intents::PaymentIntentId payment_intent;
  std::string customer;  // cus_..., or "" for a guest
  domain::Currency currency;
  std::vector<LineItem> line_items;
  domain::Amount amount_subtotal;
  domain::Amount amount_shipping;
  domain::Amount amount_total;
  BillingDetails billing_details;
  std::optional<customers::Shipping> shipping_details;
  std::optional<ShippingRate> shipping_rate;
  domain::Metadata metadata;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("id", s.id);
    v("checkout_session", s.checkout_session);
    v("payment_intent", s.payment_intent);
    v("customer", s.customer, Field::nullable);
    v("currency", s.currency);
    v("line_items", s.line_items);
    v("amount_subtotal", s.amount_subtotal);
    v("amount_shipping", s.amount_shipping);
    v("amount_total", s.amount_total);
    v("billing_details", s.billing_details);
    v("shipping_details", s.shipping_details);
    v("shipping_rate", s.shipping_rate);
    v("metadata", s.metadata);
  }
};

using Event = std::variant<OrderCreated>;

struct Order : OrderCreated {
  domain::UnixSeconds created;
  template <class S, class V>
  static void fields(S& s, V& v) {
    OrderCreated::fields(s, v);
    v("created", s.created);
  }
};

enum class Rejection : std::uint8_t {
  order_exists,        // the id is taken (a generated id collided)
  lines_missing,       // an order has at least one line
  amounts_unbalanced,  // the subtotal is not the lines' sum, or the total not subtotal + shipping
};
std::string_view name(Rejection r);

struct CreateOrder {
  OrderCreated order;
};

using State = std::optional<Order>;
using Decision = Expected<std::vector<Event>, Rejection>;

Decision decide(const State& state, const CreateOrder& cmd);

// REQUIRES: `event` is the stream's next.
State evolve(State state, const domain::RecordedOf<Event>& event);

}  // namespace payledger::orders
