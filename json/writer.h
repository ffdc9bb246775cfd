#pragma once
// The one JSON writer of payledger's hot paths (event envelopes, API objects): RapidJSON's
// Writer streaming into one growing buffer, with no JSON tree in between. Conventions shared
// by the event codec and the API renderings: empty strings are written as null, metadata as an
// object of strings, keys in the order they are written.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "domain/assert.h"
#include "domain/types.h"

namespace payledger::json {

class Writer {
 public:
  Writer() : writer_(buffer_) {}
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void begin_object() { writer_.StartObject(); }
  void end_object() { writer_.EndObject(); }
  void begin_array() { writer_.StartArray(); }
  void end_array() { writer_.EndArray(); }
  // A key; the next call writes its value.
  void key(std::string_view k) { writer_.Key(k.data(), size_of(k)); }
  void null() { writer_.Null(); }
  void string(std::string_view v) { writer_.String(v.data(), size_of(v)); }
  void number_value(std::int64_t v) { writer_.Int64(v); }
  void boolean_value(bool v) { writer_.Bool(v); }
  // Writes `json`, already a whole JSON value, as the next value.
  void raw_value(std::string_view json) {
    writer_.RawValue(json.data(), json.size(), rapidjson::kObjectType);
  }

  // "k": value, for each kind of value.
  void text(std::string_view k, std::string_view v) {
    key(k);
    string(v);
  }
  void text_or_null(std::string_view k, const std::string& v) {  // empty -> null
    key(k);
    if (v.empty()) {
      null();
    } else {
      string(v);
    }
  }
  void text_or_null(std::string_view k, const std::optional<std::string_view>& v) {
    key(k);
    if (v) {
      string(*v);
    } else {
      null();
    }
  }
  void number(std::string_view k, std::int64_t v) {
    key(k);
    number_value(v);
  }
  void flag(std::string_view k, bool v) {
    key(k);
    writer_.Bool(v);
  }
  void metadata(std::string_view k, const domain::Metadata& m) {
    key(k);
    begin_object();
    for (const auto& [mk, mv] : m) text(mk, mv);
    end_object();
  }

  // The JSON written. REQUIRES: one whole value was written.
  std::string take() {
    PL_ASSERT(writer_.IsComplete(), "a JSON writer holds one whole value");
    return {buffer_.GetString(), buffer_.GetSize()};
  }

 private:
  static rapidjson::SizeType size_of(std::string_view s) {
    return static_cast<rapidjson::SizeType>(s.size());
  }
  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> writer_;
};

// The text of an optional value that has one (an id's value, an enum's to_string), or
// nullopt: for Writer::text_or_null.
template <class T>
std::optional<std::string_view> text_of(const std::optional<T>& v) {
  if (!v) return std::nullopt;
  if constexpr (std::is_enum_v<T>) {
    return to_string(*v);  // the enum's own, found by argument-dependent lookup
  } else {
    return std::string_view(v->value);
  }
}

}  // namespace payledger::json
