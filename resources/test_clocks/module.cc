#include "resources/test_clocks/module.h"

#include "contract/aggregate_of.h"
#include "contract/field_codec.h"

namespace payledger::test_clocks {

std::string render(const TestClock& c) {
  json::Writer w;
  w.begin_object();
  w.text("id", c.id.value);
  w.text("object", "test_helpers.test_clock");
  w.number("created", c.created.value);
  w.number("deletes_after", c.created.value + kLifetimeSeconds);
  w.number("frozen_time", c.frozen_time.value);
  w.flag("livemode", false);
  w.text_or_null("name", c.name);
  w.text("status", domain::enum_name(c.status));
  w.key("status_details");
  w.begin_object();
  if (c.target_frozen_time) {
    w.key("advancing");
    w.begin_object();
    w.number("target_frozen_time", c.target_frozen_time->value);
    w.end_object();
  }
  w.end_object();
  w.end_object();
  return w.take();
}

void Module::documents(const TestClock& c, std::vector<contract::Document>* out) {
  contract::Document doc{"test_helpers.test_clock", c.id.value, {}, {}, c.deleted, true};
  if (!c.deleted) doc.json = render(c);
  out->push_back(std::move(doc));
}

void Module::announce(const domain::RecordedOf<Event>& e, const TestClock& c,
                      std::vector<contract::Announcement>* out) {
  contract::announce_as_logged(e.body, "test_helpers.test_clock", c.id.value, out);
}

const contract::Aggregate& aggregate() {
  static const contract::AggregateOf<Module> instance;
  return instance;
}

}  // namespace payledger::test_clocks
