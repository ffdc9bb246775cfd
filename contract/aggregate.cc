#include "contract/aggregate.h"

namespace payledger::contract {

std::string tombstone(std::string_view object, std::string_view id) {
  eventstore::JsonWriter w;
  w.begin_object();
  w.text("id", id);
  w.text("object", object);
  w.flag("deleted", true);
  w.end_object();
  return w.take();
}

bool Aggregate::declares(std::string_view event_type) const {
  for (const EventSpec& e : events()) {
    if (e.type == event_type) return true;
  }
  return false;
}

}  // namespace payledger::contract
