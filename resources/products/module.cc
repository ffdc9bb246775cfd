#include "resources/products/module.h"

#include "contract/aggregate_of.h"

namespace payledger::products {

std::string render(const Product& p) {
  const Details& d = p.details;
  json::Writer w;
  w.begin_object();
  w.text("id", p.id.value);
  w.text("object", "product");
  w.flag("active", d.active);
  w.number("created", p.created.value);
  w.text_or_null("default_price", std::string());
  w.text_or_null("description", d.description);
  w.key("images");
  w.begin_array();
  w.end_array();
  w.flag("livemode", false);
  w.metadata("metadata", d.metadata);
  w.text("name", d.name);
  w.text_or_null("package_dimensions", std::string());
  w.key("shippable");
  if (d.shippable) {
    w.boolean_value(*d.shippable);
  } else {
    w.null();
  }
  w.text_or_null("statement_descriptor", std::string());
  w.text_or_null("tax_code", std::string());
  w.text_or_null("unit_label", std::string());
  w.number("updated", p.updated.value);
  w.text_or_null("url", std::string());
  w.end_object();
  return w.take();
}

void Module::documents(const Product& p, std::vector<contract::Document>* out) {
  contract::Document doc{"product", p.id.value, {}, {}, p.deleted, true};
  if (!p.deleted) {
    doc.json = render(p);
    doc.index["active"] = p.details.active ? "true" : "false";
  }
  out->push_back(std::move(doc));
}

void Module::announce(const domain::RecordedOf<Event>& e, const Product& p,
                      std::vector<contract::Announcement>* out) {
  contract::announce_as_logged(e.body, "product", p.id.value, out, {PriceAdded::kType});
}

const contract::Aggregate& aggregate() {
  static const contract::AggregateOf<Module> instance;
  return instance;
}

api::ApiError rejection_error(Rejection r, const std::string& id, const std::string& param) {
  switch (r) {
    case Rejection::product_missing: {
      api::ApiError e = api::not_found("product", id);
      if (param != "id") {
        e.http_status = 400;
        e.param = param;
      }
      return e;
    }
    case Rejection::name_missing:
      return api::invalid_param(param == "product_data" ? "product_data[name]" : "name",
                                "parameter_missing", "A product needs a name.");
    case Rejection::product_has_prices:
      return api::invalid_param("id", "product_has_prices",
                                "This product cannot be deleted because it has one or more "
                                "prices; deactivate it (active=false) instead.");
    case Rejection::product_exists:
      break;
  }
  return api::id_collision();
}

}  // namespace payledger::products
