#include "resources/orders/module.h"

#include "contract/aggregate_of.h"
#include "contract/field_codec.h"

namespace payledger::orders {
namespace {

namespace d = domain;

void write_bound(json::Writer& w, std::string_view key, const std::optional<DeliveryBound>& b) {
  w.key(key);
  if (!b) {
    w.null();
    return;
  }
  w.begin_object();
  w.text("unit", d::enum_name(b->unit));
  w.number("value", b->value);
  w.end_object();
}

void write_shipping(json::Writer& w, const std::optional<customers::Shipping>& s) {
  w.key("shipping_details");
  if (!s) {
    w.null();
    return;
  }
  w.begin_object();
  w.key("address");
  contract::write_value(w, s->address);
  w.text_or_null("name", s->name);
  w.text_or_null("phone", s->phone);
  w.end_object();
}

}  // namespace

void write_line_item(json::Writer& w, const LineItem& item, const d::Currency& c) {
  w.begin_object();
  w.text("id", item.id);
  w.text("object", "item");
  w.number("amount_discount", 0);
  w.number("amount_subtotal", item.amount_subtotal.minor());
  w.number("amount_tax", 0);
  w.number("amount_total", item.amount_total.minor());
  w.text("currency", c.code());
  w.text_or_null("description", item.description);
  w.text("price", item.price.value);
  w.text("product", item.product.value);
  w.number("quantity", item.quantity);
  w.number("unit_amount", item.unit_amount.minor());
  w.end_object();
}

void write_shipping_rate(json::Writer& w, const ShippingRate& rate, const d::Currency& c) {
  w.begin_object();
  w.text("id", rate.id);
  w.text("object", "shipping_rate");
  w.text("display_name", rate.name);
  w.key("fixed_amount");
  w.begin_object();
  w.number("amount", rate.amount.minor());
  w.text("currency", c.code());
  w.end_object();
  w.key("delivery_estimate");
  if (rate.minimum || rate.maximum) {
    w.begin_object();
    write_bound(w, "minimum", rate.minimum);
    write_bound(w, "maximum", rate.maximum);
    w.end_object();
  } else {
    w.null();
  }
  w.text("type", "fixed_amount");
  w.end_object();
}

std::string render(const Order& o) {
  json::Writer w;
  w.begin_object();
  w.text("id", o.id.value);
  w.text("object", "order");
  w.number("amount_subtotal", o.amount_subtotal.minor());
  w.number("amount_total", o.amount_total.minor());
  w.key("billing_details");
  w.begin_object();
  w.key("address");
  contract::write_value(w, o.billing_details.address);
  w.text_or_null("email", o.billing_details.email);
  w.text_or_null("name", o.billing_details.name);
  w.end_object();
  w.text("checkout_session", o.checkout_session);
  w.number("created", o.created.value);
  w.text("currency", o.currency.code());
  w.text_or_null("customer", o.customer);
  w.key("line_items");
  w.begin_array();
  for (const LineItem& item : o.line_items) write_line_item(w, item, o.currency);
  w.end_array();
  w.flag("livemode", false);
  w.metadata("metadata", o.metadata);
  w.text("payment_intent", o.payment_intent.value);
  w.key("shipping_cost");
  if (o.shipping_rate) {
    w.begin_object();
    w.number("amount_subtotal", o.amount_shipping.minor());
    w.number("amount_tax", 0);
    w.number("amount_total", o.amount_shipping.minor());
    w.key("shipping_rate");
    write_shipping_rate(w, *o.shipping_rate, o.currency);
    w.end_object();
  } else {
    w.null();
  }
  write_shipping(w, o.shipping_details);
  w.text("status", "complete");
  w.end_object();
  return w.take();
}

void Module::documents(const Order& o, std::vector<contract::Document>* out) {
  contract::Document doc{"order", o.id.value, render(o), {}, false, true};
  doc.index["checkout_session"] = o.checkout_session;
  doc.index["payment_intent"] = o.payment_intent.value;
  if (!o.customer.empty()) doc.index["customer"] = o.customer;
  out->push_back(std::move(doc));
}

void Module::announce(const domain::RecordedOf<Event>& e, const Order& o,
                      std::vector<contract::Announcement>* out) {
  contract::announce_as_logged(e.body, "order", o.id.value, out);
}

const contract::Aggregate& aggregate() {
  static const contract::AggregateOf<Module> instance;
  return instance;
}

}  // namespace payledger::orders
