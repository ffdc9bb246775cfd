#include "resources/tax_rates/module.h"

#include "contract/aggregate_of.h"

namespace payledger::tax_rates {

std::string render(const TaxRate& t) {
  const Details& d = t.details;
  json::Writer w;
  w.begin_object();
  w.text("id", t.id.value);
  w.text("object", "tax_rate");
  w.flag("active", d.active);
  w.text_or_null("country", d.country);
  w.number("created", t.created.value);
  w.text_or_null("description", d.description);
  w.text("display_name", d.display_name);
  w.text_or_null("effective_percentage", std::string());  // automatic tax only
  w.text_or_null("flat_amount", std::string());           // retail delivery fees only
  w.flag("inclusive", t.inclusive);
  w.text_or_null("jurisdiction", d.jurisdiction);
  w.text_or_null("jurisdiction_level", std::string());
  w.flag("livemode", false);
  w.metadata("metadata", d.metadata);
  w.key("percentage");
  w.raw_value(percentage_text(t.percentage));
  w.text("rate_type", "percentage");
  w.text_or_null("state", d.state);
  w.text_or_null("tax_type", d.tax_type);
  w.end_object();
  return w.take();
}

void Module::documents(const TaxRate& t, std::vector<contract::Document>* out) {
  contract::Document doc{"tax_rate", t.id.value, render(t), {}, false, true};
  doc.index["active"] = t.details.active ? "true" : "false";
  doc.index["inclusive"] = t.inclusive ? "true" : "false";
  out->push_back(std::move(doc));
}

void Module::announce(const domain::RecordedOf<Event>& e, const TaxRate& t,
                      std::vector<contract::Announcement>* out) {
  contract::announce_as_logged(e.body, "tax_rate", t.id.value, out);
}

const contract::Aggregate& aggregate() {
  static const contract::AggregateOf<Module> instance;
  return instance;
}

}  // namespace payledger::tax_rates
