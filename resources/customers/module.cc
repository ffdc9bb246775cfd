#include "resources/customers/module.h"

#include "contract/aggregate_of.h"
#include "contract/field_codec.h"

namespace payledger::customers {

std::string render(const Customer& c) {
  json::Writer w;
  const Profile& p = c.profile;
  w.begin_object();
  w.text("id", c.id.value);
  w.text("object", "customer");
  w.key("address");
  contract::write_value(w, p.address);  // Address's fields are Stripe's address object
  w.number("balance", 0);
  w.number("created", c.created.value);
  w.text_or_null("currency", std::string());
  w.text_or_null("default_source", std::string());
  w.flag("delinquent", false);
  w.text_or_null("description", p.description);
  w.text_or_null("email", p.email);
  w.flag("livemode", false);
  w.metadata("metadata", p.metadata);
  w.text_or_null("name", p.name);
  w.text_or_null("phone", p.phone);
  w.key("preferred_locales");
  w.begin_array();
  w.end_array();
  w.key("shipping");
  contract::write_value(w, p.shipping);
  w.text("tax_exempt", "none");
  w.text_or_null("test_clock", c.test_clock);
  w.end_object();
  return w.take();
}

void Module::documents(const Customer& c, std::vector<contract::Document>* out) {
  contract::Document doc{"customer", c.id.value, {}, {}, c.deleted, true};
  if (!c.deleted) {
    doc.json = render(c);
    if (!c.profile.email.empty()) doc.index["email"] = c.profile.email;
  }
  out->push_back(std::move(doc));
}

void Module::announce(const domain::RecordedOf<Event>& e, const Customer& c,
                      std::vector<contract::Announcement>* out) {
  contract::announce_as_logged(e.body, "customer", c.id.value, out);
}

const contract::Aggregate& aggregate() {
  static const contract::AggregateOf<Module> instance;
  return instance;
}

}  // namespace payledger::customers
