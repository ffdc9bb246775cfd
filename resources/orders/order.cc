#include "resources/orders/order.h"

#include "domain/assert.h"
#include "domain/overloaded.h"

namespace payledger::orders {

std::string_view name(Rejection r) {
  switch (r) {
    case Rejection::order_exists:
      return "order_exists";
    case Rejection::lines_missing:
      return "lines_missing";
    case Rejection::amounts_unbalanced:
      return "amounts_unbalanced";
  }
  PL_ASSERT(false, "every rejection has a name");
}

Decision decide(const State& state, const CreateOrder& cmd) {
  if (state) return Unexpected{Rejection::order_exists};
  const OrderCreated& o = cmd.order;
  if (o.line_items.empty()) return Unexpected{Rejection::lines_missing};
  // Money is never created or destroyed: what the customer pays is what the lines and the
  // shipping add up to.
  std::int64_t subtotal = 0;
  for (const LineItem& line : o.line_items) subtotal += line.amount_total.minor();
  const std::int64_t shipping = o.shipping_rate ? o.shipping_rate->amount.minor() : 0;
  if (subtotal != o.amount_subtotal.minor() || shipping != o.amount_shipping.minor() ||
      o.amount_total.minor() != subtotal + shipping) {
    return Unexpected{Rejection::amounts_unbalanced};
  }
  return std::vector<Event>{o};
}

State evolve(State state, const domain::RecordedOf<Event>& event) {
  std::visit(Overloaded{[&](const OrderCreated& e) {
               PL_ASSERT(!state, "an order is created once");
               Order o;
               static_cast<OrderCreated&>(o) = e;
               o.created = event.meta.occurred_at;
               state = std::move(o);
             }},
             event.body);
  return state;
}

}  // namespace payledger::orders
