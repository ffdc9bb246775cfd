#pragma once
// Typed reads of a simdjson object, shared by the event codec and the view parser. A field that
// is missing or of the wrong type throws JsonFieldError; the caller turns it into a Status at
// its boundary, so the exception never leaves the component.
#include <optional>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "domain/money.h"
#include "domain/types.h"

namespace payledger::eventstore {

struct JsonFieldError {
  std::string what;  // e.g. "amount amount", "string client_secret"
};

class JsonReader {
 public:
  explicit JsonReader(simdjson::dom::element obj) : obj_(obj) {}

  // REQUIRES (else throws): the field is present, with any value (null included).
  simdjson::dom::element field(const char* key) const {
    simdjson::dom::element e;
    if (obj_[key].get(e) != simdjson::SUCCESS) throw JsonFieldError{std::string("field ") + key};
    return e;
  }
  JsonReader object(const char* key) const { return JsonReader(field(key)); }
  bool is_null(const char* key) const { return field(key).is_null(); }

  std::string str(const char* key) const {
    std::string_view v;
    if (obj_[key].get(v) != simdjson::SUCCESS) throw JsonFieldError{std::string("string ") + key};
    return std::string(v);
  }
  // Present, and a string or null (null reads as "").
  std::string nullable_str(const char* key) const {
    return is_null(key) ? std::string() : str(key);
  }
  // Absent or null reads as "" (fields a later schema may add stay readable).
  std::string optional_str(const char* key) const {
    simdjson::dom::element e;
    if (obj_[key].get(e) != simdjson::SUCCESS || e.is_null()) return {};
    return str(key);
  }
  std::int64_t i64(const char* key) const {
    std::int64_t v = 0;
    if (obj_[key].get(v) != simdjson::SUCCESS) throw JsonFieldError{std::string("integer ") + key};
    return v;
  }
  bool boolean(const char* key) const {
    bool v = false;
    if (obj_[key].get(v) != simdjson::SUCCESS) throw JsonFieldError{std::string("boolean ") + key};
    return v;
  }
  domain::Amount amount(const char* key) const {
    const std::int64_t v = i64(key);
    if (v < 0 || v > domain::kMaxAmountMinor) throw JsonFieldError{std::string("amount ") + key};
    return domain::Amount::of_minor(v);
  }
  domain::Currency currency(const char* key) const {
    auto c = domain::Currency::parse(str(key));
    if (!c) throw JsonFieldError{std::string("currency ") + key};
    return *c;
  }
  domain::Metadata metadata(const char* key) const {
    simdjson::dom::object o;
    if (obj_[key].get(o) != simdjson::SUCCESS) throw JsonFieldError{std::string("object ") + key};
    domain::Metadata m;
    for (auto kv : o) {
      std::string_view v;
      if (kv.value.get(v) != simdjson::SUCCESS) throw JsonFieldError{"metadata value"};
      m.emplace(std::string(kv.key), std::string(v));
    }
    return m;
  }
  template <class T>
  T parsed(const char* key, std::optional<T> (*parse)(std::string_view)) const {
    auto v = parse(str(key));
    if (!v) throw JsonFieldError{std::string("enum ") + key};
    return *v;
  }

 private:
  simdjson::dom::element obj_;
};

}  // namespace payledger::eventstore
