#pragma once
// json/value.h's handles as simdjson's own types and back, for the files that use simdjson's API
// directly (json/text.cc's re-writer, the API's body parser, finance's readers). Everything else
// reads JSON through json/value.h and json/reader.h, which do not include simdjson.
#include <simdjson.h>

#include <cstring>
#include <type_traits>

#include "json/value.h"

namespace payledger::json {

struct SimdjsonAccess {
  static_assert(sizeof(simdjson::dom::element) == sizeof(Value::raw_));
  static_assert(std::is_trivially_copyable_v<simdjson::dom::element>);

  static Value wrap(simdjson::dom::element e) {
    Value v;
    std::memcpy(v.raw_, &e, sizeof e);
    return v;
  }
  static simdjson::dom::element unwrap(const Value& v) {
    simdjson::dom::element e;
    std::memcpy(&e, v.raw_, sizeof e);
    return e;
  }
  static simdjson::dom::parser& parser(Parser& p);
};

// `e` as a Value (valid while its document is).
inline Value wrap(simdjson::dom::element e) {
  return SimdjsonAccess::wrap(e);
}
// `v` as simdjson's element.
inline simdjson::dom::element unwrap(const Value& v) {
  return SimdjsonAccess::unwrap(v);
}

}  // namespace payledger::json
