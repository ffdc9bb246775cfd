#include "resources/checkout_sessions/module.h"

#include "contract/aggregate_of.h"
#include "contract/field_codec.h"
#include "resources/checkout_sessions/internal.h"
#include "resources/orders/module.h"

namespace payledger::checkout_sessions {
namespace {

namespace d = domain;

void write_customer_details(json::Writer& w, const Session& s) {
  w.key("customer_details");
  if (!s.completion) {
    w.null();
    return;
  }
  const CustomerDetails& c = s.completion->customer_details;
  w.begin_object();
  w.key("address");
  contract::write_value(w, c.address);
  w.text_or_null("email", c.email);
  w.text_or_null("name", c.name);
  w.text_or_null("phone", std::string());
  w.end_object();
}

void write_shipping(json::Writer& w, const Session& s) {
  const SessionCompleted* c = s.completion ? &*s.completion : nullptr;
  w.key("shipping_cost");
  if (c && c->shipping_rate) {
    w.begin_object();
    w.number("amount_subtotal", c->shipping_rate->amount.minor());
    w.number("amount_tax", 0);
    w.number("amount_total", c->shipping_rate->amount.minor());
    w.text("shipping_rate", c->shipping_rate->id);
    w.end_object();
  } else {
    w.null();
  }
  w.key("shipping_details");
  if (c && c->shipping_details) {
    w.begin_object();
    w.key("address");
    contract::write_value(w, c->shipping_details->address);
    w.text_or_null("name", c->shipping_details->name);
    w.end_object();
  } else {
    w.null();
  }
  w.key("shipping_options");
  w.begin_array();
  for (const orders::ShippingRate& rate : s.shipping_options) {
    w.begin_object();
    w.number("shipping_amount", rate.amount.minor());
    w.key("shipping_rate");
    orders::write_shipping_rate(w, rate, s.currency);
    w.end_object();
  }
  w.end_array();
}

void write_collection(json::Writer& w, const Session& s) {
  w.key("shipping_address_collection");
  if (!s.collects_shipping_address) {
    w.null();
    return;
  }
  w.begin_object();
  w.key("allowed_countries");
  w.begin_array();
  for (const std::string& c : s.allowed_countries) w.string(c);
  w.end_array();
  w.end_object();
}

std::string render_line_items(const Session& s) {
  json::Writer w;
  w.begin_object();
  w.text("object", "list");
  w.key("data");
  w.begin_array();
  for (const orders::LineItem& item : s.line_items) orders::write_line_item(w, item, s.currency);
  w.end_array();
  w.flag("has_more", false);
  w.text("url", "/v1/checkout/sessions/" + s.id.value + "/line_items");
  w.key("next_cursor");
  w.null();
  w.end_object();
  return w.take();
}

std::string customer_of(const Session& s) {
  return s.completion ? s.completion->customer : s.customer;
}

}  // namespace

std::string render(const Session& s) {
  json::Writer w;
  w.begin_object();
  w.text("id", s.id.value);
  w.text("object", "checkout.session");
  w.number("amount_subtotal", s.amount_subtotal.minor());
  w.number("amount_total", s.amount_total_minor());
  w.text_or_null("cancel_url", s.cancel_url);
  w.text_or_null("client_reference_id", s.client_reference_id);
  w.text_or_null("client_secret", s.ui_mode == UiMode::hosted ? std::string() : s.client_secret);
  w.number("created", s.created.value);
  w.text("currency", s.currency.code());
  w.text_or_null("customer", customer_of(s));
  w.text("customer_creation", d::enum_name(s.customer_creation));
  write_customer_details(w, s);
  w.text_or_null("customer_email", s.customer_email);
  w.number("expires_at", s.expires_at.value);
  w.flag("livemode", false);
  w.metadata("metadata", s.metadata);
  w.text("mode", d::enum_name(s.mode));
  w.text_or_null("order", s.completion ? s.completion->order : std::string());
  w.text("payment_intent", s.payment_intent.value);
  w.text("payment_status",
         d::enum_name(s.completion ? s.completion->payment_status : PaymentStatus::unpaid));
  w.text_or_null("return_url", s.return_url);
  write_collection(w, s);
  write_shipping(w, s);
  w.text("status", d::enum_name(s.status));
  w.text_or_null("success_url", s.success_url);
  w.text("ui_mode", d::enum_name(s.ui_mode));
  w.text_or_null("url", s.status == Status::open ? s.url : std::string());
  w.end_object();
  return w.take();
}

std::string render_for_customer(const Session& s, const std::string& merchant_name,
                                std::string_view challenge_url) {
  json::Writer w;
  w.begin_object();
  w.text("id", s.id.value);
  w.text("object", "checkout.session");
  w.text("status", d::enum_name(s.status));
  w.text("payment_status",
         d::enum_name(s.completion ? s.completion->payment_status : PaymentStatus::unpaid));
  w.text("mode", d::enum_name(s.mode));
  w.text("ui_mode", d::enum_name(s.ui_mode));
  w.text("currency", s.currency.code());
  w.number("amount_subtotal", s.amount_subtotal.minor());
  w.number("amount_total", s.amount_total_minor());
  w.text_or_null("customer_email", s.customer_email);
  w.number("expires_at", s.expires_at.value);
  w.key("line_items");
  w.begin_array();
  for (const orders::LineItem& item : s.line_items) orders::write_line_item(w, item, s.currency);
  w.end_array();
  w.key("merchant");
  w.begin_object();
  w.text_or_null("name", merchant_name);
  w.end_object();
  w.text_or_null("return_url", s.return_url);
  write_collection(w, s);
  write_shipping(w, s);
  if (!challenge_url.empty()) {
    w.key("next_action");
    w.begin_object();
    w.text("type", "redirect_to_url");
    w.text("redirect_url", challenge_url);
    w.end_object();
  }
  w.end_object();
  return w.take();
}

std::vector<contract::ObjectSpec> Module::objects() {
  const auto& names = d::EnumNames<Status>::kNames;
  std::vector<std::string_view> statuses;
  statuses.reserve(names.size());
  for (const auto& [text, value] : names) statuses.push_back(text);
  return {{"checkout.session",
           "cs_",
           "/v1/checkout/sessions",
           {{"status", contract::FilterKind::text, statuses}, {"customer"}, {"payment_intent"}},
           {{"payment_intent", "payment_intent"}, {"line_items", kLineItemsObject, true}}},
          {kLineItemsObject, "cs_", "", {}}};
}

void Module::documents(const Session& s, std::vector<contract::Document>* out) {
  contract::Document doc{"checkout.session", s.id.value, render(s), {}, false, true};
  doc.index["status"] = std::string(d::enum_name(s.status));
  doc.index["payment_intent"] = s.payment_intent.value;
  if (const std::string customer = customer_of(s); !customer.empty()) {
    doc.index["customer"] = customer;
  }
  out->push_back(std::move(doc));
  out->push_back({kLineItemsObject, s.id.value, render_line_items(s), {}, false, true});
}

void Module::created(const d::RecordedOf<Event>& e, std::vector<contract::DocumentRef>* out) {
  if (!std::holds_alternative<SessionCreated>(e.body)) return;
  out->push_back({"checkout.session", e.meta.stream_id});
  out->push_back({kLineItemsObject, e.meta.stream_id});
}

void Module::announce(const domain::RecordedOf<Event>& e, const Session& s,
                      std::vector<contract::Announcement>* out) {
  contract::announce_as_logged(e.body, "checkout.session", s.id.value, out,
                               {SessionCreated::kType, SessionAuthenticationStarted::kType});
}

const contract::Aggregate& aggregate() {
  static const contract::AggregateOf<Module> instance;
  return instance;
}

}  // namespace payledger::checkout_sessions
