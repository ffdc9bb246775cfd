#include "resources/prices/module.h"

#include "contract/aggregate_of.h"

namespace payledger::prices {

std::string render(const Price& p) {
  json::Writer w;
  w.begin_object();
  w.text("id", p.id.value);
  w.text("object", "price");
  w.flag("active", p.active);
  w.text("billing_scheme", "per_unit");
  w.number("created", p.created.value);
  w.text("currency", p.currency.code());
  w.text_or_null("custom_unit_amount", std::string());
  w.flag("livemode", false);
  w.text_or_null("lookup_key", std::string());
  w.metadata("metadata", p.metadata);
  w.text_or_null("nickname", p.nickname);
  w.text("product", p.product.value);
  w.text_or_null("recurring", std::string());
  w.text("tax_behavior", "unspecified");
  w.text_or_null("tiers_mode", std::string());
  w.text_or_null("transform_quantity", std::string());
  w.text("type", "one_time");
  w.number("unit_amount", p.unit_amount.minor());
  w.text("unit_amount_decimal", std::to_string(p.unit_amount.minor()));
  w.end_object();
  return w.take();
}

void Module::documents(const Price& p, std::vector<contract::Document>* out) {
  out->push_back({"price",
                  p.id.value,
                  render(p),
                  {{"product", p.product.value},
                   {"active", p.active ? "true" : "false"},
                   {"currency", std::string(p.currency.code())}},
                  false,
                  true});
}

void Module::announce(const domain::RecordedOf<Event>& e, const Price& p,
                      std::vector<contract::Announcement>* out) {
  contract::announce_as_logged(e.body, "price", p.id.value, out);
}

const contract::Aggregate& aggregate() {
  static const contract::AggregateOf<Module> instance;
  return instance;
}

}  // namespace payledger::prices
