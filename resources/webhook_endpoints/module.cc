#include "resources/webhook_endpoints/module.h"

#include "contract/aggregate_of.h"

namespace payledger::webhook_endpoints {
namespace {

void write_fields(json::Writer& w, const Endpoint& e) {
  const Settings& s = e.settings;
  w.text("id", e.id.value);
  w.text("object", "webhook_endpoint");
  w.text_or_null("api_version", std::string());
  w.text_or_null("application", std::string());
  w.number("created", e.created.value);
  w.text_or_null("description", s.description);
  w.key("enabled_events");
  w.begin_array();
  for (const std::string& event : s.enabled_events) w.string(event);
  w.end_array();
  w.flag("livemode", false);
  w.metadata("metadata", s.metadata);
  w.text("status", s.disabled ? "disabled" : "enabled");
  w.text("url", s.url);
}

}  // namespace

std::string render(const Endpoint& e) {
  json::Writer w;
  w.begin_object();
  write_fields(w, e);
  w.end_object();
  return w.take();
}

std::string render_with(const Endpoint& e, std::string_view key, const std::string& value) {
  json::Writer w;
  w.begin_object();
  write_fields(w, e);
  w.text(key, value);
  w.end_object();
  return w.take();
}

void Module::documents(const Endpoint& e, std::vector<contract::Document>* out) {
  contract::Document doc{"webhook_endpoint", e.id.value, {}, {}, e.deleted, true};
  if (!e.deleted) doc.json = render(e);
  out->push_back(std::move(doc));
}

std::string new_signing_secret(api::IdGenerator& ids) {
  constexpr std::size_t kChars = 32;
  std::string random;
  while (random.size() < kChars) random += ids.next("x").substr(2);  // "x_" + 24 base62
  return "whsec_" + random.substr(0, kChars);
}

const contract::Aggregate& aggregate() {
  static const contract::AggregateOf<Module> instance;
  return instance;
}

}  // namespace payledger::webhook_endpoints
