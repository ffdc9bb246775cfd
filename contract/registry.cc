#include "contract/registry.h"

#include <set>

#include "domain/assert.h"

namespace payledger::contract {

Registry::Registry(std::vector<const Aggregate*> aggregates) : aggregates_(std::move(aggregates)) {
  std::set<std::string_view> types;
  std::set<std::string_view> objects;
  std::set<std::string_view> settings;
  for (const Aggregate* a : aggregates_) {
    PL_ASSERT(a->stream_prefix().ends_with('_'), "a stream prefix ends with '_'");
    for (const Aggregate* b : aggregates_) {
      PL_ASSERT(a == b || !b->stream_prefix().starts_with(a->stream_prefix()),
                "no stream prefix is a prefix of another");
    }
    for (const EventSpec& e : a->events()) {
      PL_ASSERT(types.insert(e.type).second, "an event type belongs to one aggregate");
    }
    for (const ObjectSpec& o : a->objects()) {
      PL_ASSERT(objects.insert(o.object).second, "an object belongs to one aggregate");
    }
    for (const SettingSpec& st : a->settings()) {
      PL_ASSERT(settings.insert(st.name).second, "a setting belongs to one aggregate");
      PL_ASSERT(st.min <= st.default_value && st.default_value <= st.max,
                "a setting's default is within its bounds");
    }
  }
}

const Aggregate* Registry::for_stream(std::string_view stream_id) const {
  for (const Aggregate* a : aggregates_) {
    if (stream_id.starts_with(a->stream_prefix())) return a;
  }
  return nullptr;
}

const Aggregate* Registry::for_event_type(std::string_view event_type) const {
  for (const Aggregate* a : aggregates_) {
    if (a->declares(event_type)) return a;
  }
  return nullptr;
}

const ObjectSpec* Registry::object(std::string_view object) const {
  for (const Aggregate* a : aggregates_) {
    for (const ObjectSpec& o : a->objects()) {
      if (o.object == object) return &o;
    }
  }
  return nullptr;
}

const SettingSpec* Registry::setting(std::string_view name) const {
  for (const Aggregate* a : aggregates_) {
    for (const SettingSpec& s : a->settings()) {
      if (s.name == name) return &s;
    }
  }
  return nullptr;
}

std::vector<std::string> Registry::topics(std::string_view prefix) const {
  std::vector<std::string> out;
  out.reserve(aggregates_.size());
  for (const Aggregate* a : aggregates_)
    out.push_back(std::string(prefix) + std::string(a->topic()));
  return out;
}

}  // namespace payledger::contract
