#pragma once
// JSON for every type that declares its fields (domain/fields.h): one writer, one reader and one
// JSON Schema per declaration. Events, the state kept in the views and docs/schemas all come
// from here, so no field is written by hand twice.
//
// Conventions: a std::string field is a string (Field::nullable: "" <-> null); std::optional<T>
// is T or null (absent reads as nullopt); Amount is an integer 0..kMaxAmountMinor; Currency a
// lowercase ISO code; a named enum its name; Metadata an object of strings; std::vector<T> an
// array; a type with fields an object.
#include <simdjson.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "domain/fields.h"
#include "domain/money.h"
#include "domain/types.h"
#include "eventstore/json_reader.h"
#include "eventstore/json_writer.h"

namespace payledger::contract {

using domain::Field;

template <class T>
struct IsStrong : std::false_type {};
template <class Tag, class V>
struct IsStrong<domain::Strong<Tag, V>> : std::true_type {};
template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};
template <class T>
struct IsVector : std::false_type {};
template <class T>
struct IsVector<std::vector<T>> : std::true_type {};

template <class T>
inline constexpr bool kUnsupportedField = false;

// --- writing ---------------------------------------------------------------------------------

template <class T>
void write_value(eventstore::JsonWriter& w, const T& v, Field f = Field::required);

class FieldWriter {
 public:
  explicit FieldWriter(eventstore::JsonWriter& w) : w_(w) {}
  template <class T>
  void operator()(std::string_view name, const T& v, Field f = Field::required) {
    w_.key(name);
    write_value(w_, v, f);
  }

 private:
  eventstore::JsonWriter& w_;
};

// Writes `v`'s declared fields as the members of an object already begun.
template <domain::HasFields T>
void write_fields(eventstore::JsonWriter& w, const T& v) {
  FieldWriter fw(w);
  T::fields(v, fw);
}

template <class T>
void write_value(eventstore::JsonWriter& w, const T& v, Field f) {
  if constexpr (std::is_same_v<T, std::string>) {
    if (f == Field::nullable && v.empty()) {
      w.null();
    } else {
      w.string(v);
    }
  } else if constexpr (IsStrong<T>::value) {
    write_value(w, v.value, f);
  } else if constexpr (std::is_same_v<T, bool>) {
    w.boolean_value(v);
  } else if constexpr (std::is_integral_v<T>) {
    w.number_value(static_cast<std::int64_t>(v));
  } else if constexpr (std::is_same_v<T, domain::Amount>) {
    w.number_value(v.minor());
  } else if constexpr (std::is_same_v<T, domain::Currency>) {
    w.string(v.code());
  } else if constexpr (domain::NamedEnum<T>) {
    w.string(domain::enum_name(v));
  } else if constexpr (IsOptional<T>::value) {
    if (v) {
      write_value(w, *v, f);
    } else {
      w.null();
    }
  } else if constexpr (std::is_same_v<T, domain::Metadata>) {
    w.begin_object();
    for (const auto& [k, value] : v) w.text(k, value);
    w.end_object();
  } else if constexpr (IsVector<T>::value) {
    w.begin_array();
    for (const auto& item : v) write_value(w, item, f);
    w.end_array();
  } else if constexpr (domain::HasFields<T>) {
    w.begin_object();
    write_fields(w, v);
    w.end_object();
  } else {
    static_assert(kUnsupportedField<T>, "a field type the codec does not know");
  }
}

// --- reading ---------------------------------------------------------------------------------
// A value of the wrong shape throws eventstore::JsonFieldError naming the field; callers turn
// it into a Status at their boundary.

template <class T>
void read_value(simdjson::dom::element e, T& out, Field f, std::string_view name);

class FieldReader {
 public:
  explicit FieldReader(simdjson::dom::element obj) : obj_(obj) {}
  template <class T>
  void operator()(std::string_view name, T& out, Field f = Field::required) {
    simdjson::dom::element e;
    if (obj_[name].get(e) != simdjson::SUCCESS) {
      // Absent: nullable and optional fields read as empty (a later schema may add them).
      if (f == Field::nullable || IsOptional<T>::value) return;
      throw eventstore::JsonFieldError{"field " + std::string(name)};
    }
    read_value(e, out, f, name);
  }

 private:
  simdjson::dom::element obj_;
};

template <domain::HasFields T>
void read_fields(simdjson::dom::element obj, T& out) {
  if (!obj.is_object()) throw eventstore::JsonFieldError{"an object"};
  FieldReader fr(obj);
  T::fields(out, fr);
}

[[noreturn]] inline void bad_field(std::string_view kind, std::string_view name) {
  throw eventstore::JsonFieldError{std::string(kind) + " " + std::string(name)};
}

inline std::string read_text(simdjson::dom::element e, Field f, std::string_view name) {
  if (e.is_null() && f == Field::nullable) return {};
  std::string_view s;
  if (e.get(s) != simdjson::SUCCESS) bad_field("string", name);
  return std::string(s);
}

inline std::int64_t read_integer(simdjson::dom::element e, std::string_view name) {
  std::int64_t v = 0;
  if (e.get(v) != simdjson::SUCCESS) bad_field("integer", name);
  return v;
}

template <class T>
void read_value(simdjson::dom::element e, T& out, Field f, std::string_view name) {
  if constexpr (std::is_same_v<T, std::string>) {
    out = read_text(e, f, name);
  } else if constexpr (IsStrong<T>::value) {
    read_value(e, out.value, f, name);
  } else if constexpr (std::is_same_v<T, bool>) {
    if (e.get(out) != simdjson::SUCCESS) bad_field("boolean", name);
  } else if constexpr (std::is_integral_v<T>) {
    const std::int64_t v = read_integer(e, name);
    if constexpr (std::is_unsigned_v<T>) {
      if (v < 0) bad_field("unsigned integer", name);
    }
    out = static_cast<T>(v);
  } else if constexpr (std::is_same_v<T, domain::Amount>) {
    const std::int64_t v = read_integer(e, name);
    if (v < 0 || v > domain::kMaxAmountMinor) bad_field("amount", name);
    out = domain::Amount::of_minor(v);
  } else if constexpr (std::is_same_v<T, domain::Currency>) {
    auto c = domain::Currency::parse(read_text(e, Field::required, name));
    if (!c) bad_field("currency", name);
    out = *c;
  } else if constexpr (domain::NamedEnum<T>) {
    auto v = domain::parse_enum<T>(read_text(e, Field::required, name));
    if (!v) bad_field("enum", name);
    out = *v;
  } else if constexpr (IsOptional<T>::value) {
    if (e.is_null()) {
      out.reset();
    } else {
      typename T::value_type v{};
      read_value(e, v, f, name);
      out = std::move(v);
    }
  } else if constexpr (std::is_same_v<T, domain::Metadata>) {
    simdjson::dom::object o;
    if (e.get(o) != simdjson::SUCCESS) bad_field("object", name);
    out.clear();
    for (auto kv : o) out.emplace(std::string(kv.key), read_text(kv.value, Field::required, name));
  } else if constexpr (IsVector<T>::value) {
    simdjson::dom::array a;
    if (e.get(a) != simdjson::SUCCESS) bad_field("array", name);
    out.clear();
    for (simdjson::dom::element item : a) read_value(item, out.emplace_back(), f, name);
  } else if constexpr (domain::HasFields<T>) {
    if (!e.is_object()) bad_field("object", name);
    read_fields(e, out);
  } else {
    static_assert(kUnsupportedField<T>, "a field type the codec does not know");
  }
}

// --- JSON Schema (draft 2020-12) -------------------------------------------------------------

template <class T>
void write_schema(eventstore::JsonWriter& w, Field f = Field::required);

// Visitors of write_object_schema: each field's schema, and each field's name.
struct SchemaProperties {
  eventstore::JsonWriter& w;
  template <class V>
  void operator()(std::string_view name, const V&, Field f = Field::required) {
    w.key(name);
    write_schema<V>(w, f);
  }
};
struct SchemaNames {
  eventstore::JsonWriter& w;
  template <class V>
  void operator()(std::string_view name, const V&, Field = Field::required) {
    w.string(name);
  }
};

// The schema of an object with T's declared fields; every field is required (present), and
// none other is allowed.
template <domain::HasFields T>
void write_object_schema(eventstore::JsonWriter& w) {
  T sample{};
  SchemaProperties properties{w};
  SchemaNames names{w};
  w.begin_object();
  w.text("type", "object");
  w.flag("additionalProperties", false);
  w.key("properties");
  w.begin_object();
  T::fields(sample, properties);
  w.end_object();
  w.key("required");
  w.begin_array();
  T::fields(sample, names);
  w.end_array();
  w.end_object();
}

inline void write_type_schema(eventstore::JsonWriter& w, std::string_view type, Field f) {
  w.begin_object();
  if (f == Field::nullable) {
    w.key("type");
    w.begin_array();
    w.string(type);
    w.string("null");
    w.end_array();
  } else {
    w.text("type", type);
  }
  w.end_object();
}

template <class T>
void write_schema(eventstore::JsonWriter& w, Field f) {
  if constexpr (std::is_same_v<T, std::string>) {
    write_type_schema(w, "string", f);
  } else if constexpr (IsStrong<T>::value) {
    write_schema<decltype(T{}.value)>(w, f);
  } else if constexpr (std::is_same_v<T, bool>) {
    write_type_schema(w, "boolean", f);
  } else if constexpr (std::is_integral_v<T>) {
    write_type_schema(w, "integer", f);
  } else if constexpr (std::is_same_v<T, domain::Amount>) {
    w.begin_object();
    w.text("type", "integer");
    w.number("minimum", 0);
    w.number("maximum", domain::kMaxAmountMinor);
    w.end_object();
  } else if constexpr (std::is_same_v<T, domain::Currency>) {
    w.begin_object();
    w.text("type", "string");
    w.text("pattern", "^[a-z]{3}$");
    w.end_object();
  } else if constexpr (domain::NamedEnum<T>) {
    w.begin_object();
    w.key("enum");
    w.begin_array();
    for (const auto& [name, value] : domain::EnumNames<T>::kNames) w.string(name);
    if (f == Field::nullable) w.null();
    w.end_array();
    w.end_object();
  } else if constexpr (IsOptional<T>::value) {
    w.begin_object();
    w.key("anyOf");
    w.begin_array();
    write_schema<typename T::value_type>(w, Field::required);
    write_type_schema(w, "null", Field::required);
    w.end_array();
    w.end_object();
  } else if constexpr (std::is_same_v<T, domain::Metadata>) {
    w.begin_object();
    w.text("type", "object");
    w.key("additionalProperties");
    write_type_schema(w, "string", Field::required);
    w.end_object();
  } else if constexpr (IsVector<T>::value) {
    w.begin_object();
    w.text("type", "array");
    w.key("items");
    write_schema<typename T::value_type>(w, f);
    w.end_object();
  } else if constexpr (domain::HasFields<T>) {
    write_object_schema<T>(w);
  } else {
    static_assert(kUnsupportedField<T>, "a field type the codec does not know");
  }
}

}  // namespace payledger::contract
