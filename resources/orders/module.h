#pragma once
// The Order resource (seed 004, order mode): one stream per order (ord_...), written by a
// Checkout Session's completion and read at /v1/orders. No routes of its own: an order is made
// only by paying a session. Rules in order.h.
#include <optional>
#include <vector>

#include "api/routes.h"
#include "contract/aggregate.h"
#include "resources/orders/order.h"

namespace payledger::orders {

struct Module {
  using State = Order;
  using Event = orders::Event;
  static constexpr std::string_view kName = "order";
  static constexpr std::string_view kStreamPrefix = "ord_";
  static constexpr std::string_view kTopic = "orders";

  static std::optional<Order> evolve(std::optional<Order> s, const domain::RecordedOf<Event>& e) {
    return orders::evolve(std::move(s), e);
  }
  static bool exists(const Order&) { return true; }
  static std::vector<contract::ObjectSpec> objects() {
    return {{"order",
             "ord_",
             "/v1/orders",
             {{"customer"}, {"checkout_session"}, {"payment_intent"}},
             {{"payment_intent", "payment_intent"}}}};
  }
  static void documents(const Order& o, std::vector<contract::Document>* out);
  // order.created.
  static void announce(const domain::RecordedOf<Event>& e, const Order& o,
                       std::vector<contract::Announcement>* out);
  static void routes(api::Routes&) {}
};

const contract::Aggregate& aggregate();

// The order object of the API.
std::string render(const Order& o);

// Writes the line items as the API shows them (object "item"), for orders and sessions alike.
void write_line_item(json::Writer& w, const LineItem& item, const domain::Currency& c);
// Writes a shipping rate as the API shows it (Stripe's shipping_rate object).
void write_shipping_rate(json::Writer& w, const ShippingRate& rate, const domain::Currency& c);

}  // namespace payledger::orders
