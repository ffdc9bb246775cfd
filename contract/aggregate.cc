#include "contract/aggregate.h"

#include <algorithm>

namespace payledger::contract {

std::string tombstone(std::string_view object, std::string_view id) {
  json::Writer w;
  w.begin_object();
  w.text("id", id);
  w.text("object", object);
  w.flag("deleted", true);
  w.end_object();
  return w.take();
}

bool selects_event_type(std::string_view pattern, std::string_view type) {
  if (pattern == "*") return true;
  if (pattern.ends_with(".*")) {
    pattern.remove_suffix(1);  // keep the '.'
    return type.starts_with(pattern);
  }
  return pattern == type;
}

bool valid_event_type_pattern(std::string_view p) {
  if (p == "*") return true;
  if (p.ends_with(".*")) p.remove_suffix(2);
  if (p.empty() || p.size() > 100 || p.front() == '.' || p.back() == '.') return false;
  return std::all_of(p.begin(), p.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || c == '_' || c == '.'; });
}

bool Aggregate::declares(std::string_view event_type) const {
  for (const EventSpec& e : events()) {
    if (e.type == event_type) return true;
  }
  return false;
}

}  // namespace payledger::contract
