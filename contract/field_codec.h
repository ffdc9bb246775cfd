#pragma once
// JSON for every type that declares its fields (domain/fields.h): one writer, one reader and one
// JSON Schema per declaration. Events, the state kept in the views and docs/schemas all come
// from here, so no field is written by hand twice.
//
// Conventions: a std::string field is a string (Field::nullable: "" <-> null); std::optional<T>
// is T or null (absent reads as nullopt); Amount is an integer 0..kMaxAmountMinor; Currency a
// lowercase ISO code; a named enum its name; Metadata an object of strings; std::vector<T> an
// array; a type with fields an object.
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
#include "json/reader.h"
#include "json/writer.h"

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
void write_value(json::Writer& w, const T& v, Field f = Field::required);

class FieldWriter {
 public:
  explicit FieldWriter(json::Writer& w) : w_(w) {}
  template <class T>
  void operator()(std::string_view name, const T& v, Field f = Field::required) {
    w_.key(name);
    write_value(w_, v, f);
  }

 private:
  json::Writer& w_;
};

// Writes `v`'s declared fields as the members of an object already begun.
template <domain::HasFields T>
void write_fields(json::Writer& w, const T& v) {
  FieldWriter fw(w);
  T::fields(v, fw);
}

template <class T>
void write_value(json::Writer& w, const T& v, Field f) {
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
// A value of the wrong shape records the first failure, naming the field, in a json::ReadError
// and is left as it was; the caller checks the error once and turns it into a Status. Nothing
// throws.

template <class T>
void read_value(json::Value e, T& out, Field f, std::string_view name, json::ReadError& error);

class FieldReader {
 public:
  FieldReader(json::Value obj, json::ReadError& error) : obj_(obj), error_(&error) {}
  template <class T>
  void operator()(std::string_view name, T& out, Field f = Field::required) {
    if (error_->failed()) return;  // the first failure says why; the rest is not read
    json::Value e;
    if (!obj_.member(name, &e)) {
      // Absent: nullable and optional fields read as empty (a later schema may add them).
      if (f == Field::nullable || IsOptional<T>::value) return;
      error_->fail("field", name);
      return;
    }
    read_value(e, out, f, name, *error_);
  }

 private:
  json::Value obj_;
  json::ReadError* error_;
};

// Reads T's declared fields from `obj` into `out`; a failure is recorded in `error`.
template <domain::HasFields T>
void read_fields(json::Value obj, T& out, json::ReadError& error) {
  if (!obj.is_object()) {
    error.fail("an", "object");
    return;
  }
  FieldReader fr(obj, error);
  T::fields(out, fr);
}

inline std::string read_text(json::Value e, Field f, std::string_view name,
                             json::ReadError& error) {
  if (e.is_null() && f == Field::nullable) return {};
  std::string_view s;
  if (!e.get(&s)) error.fail("string", name);
  return std::string(s);
}

inline std::int64_t read_integer(json::Value e, std::string_view name, json::ReadError& error) {
  std::int64_t v = 0;
  if (!e.get(&v)) error.fail("integer", name);
  return v;
}

// Scalars: text, strong ids, booleans, integers, amounts, currencies, enums.
template <class T>
void read_scalar(json::Value e, T& out, Field f, std::string_view name, json::ReadError& error) {
  if constexpr (std::is_same_v<T, std::string>) {
    out = read_text(e, f, name, error);
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!e.get(&out)) error.fail("boolean", name);
  } else if constexpr (std::is_integral_v<T>) {
    const std::int64_t v = read_integer(e, name, error);
    if (std::is_unsigned_v<T> && v < 0) error.fail("unsigned integer", name);
    out = static_cast<T>(v);
  } else if constexpr (std::is_same_v<T, domain::Amount>) {
    const std::int64_t v = read_integer(e, name, error);
    if (v < 0 || v > domain::kMaxAmountMinor) {
      error.fail("amount", name);
      return;
    }
    out = domain::Amount::of_minor(v);
  } else if constexpr (std::is_same_v<T, domain::Currency>) {
    auto c = domain::Currency::parse(read_text(e, Field::required, name, error));
    if (!c) {
      error.fail("currency", name);
      return;
    }
    out = *c;
  } else {
    auto v = domain::parse_enum<T>(read_text(e, Field::required, name, error));
    if (!v) {
      error.fail("enum", name);
      return;
    }
    out = *v;
  }
}

template <class T>
void read_value(json::Value e, T& out, Field f, std::string_view name, json::ReadError& error) {
  if constexpr (IsStrong<T>::value) {
    read_value(e, out.value, f, name, error);
  } else if constexpr (std::is_same_v<T, std::string> || std::is_arithmetic_v<T> ||
                       std::is_same_v<T, domain::Amount> || std::is_same_v<T, domain::Currency> ||
                       domain::NamedEnum<T>) {
    read_scalar(e, out, f, name, error);
  } else if constexpr (IsOptional<T>::value) {
    if (e.is_null()) {
      out.reset();
    } else {
      typename T::value_type v{};
      read_value(e, v, f, name, error);
      out = std::move(v);
    }
  } else if constexpr (std::is_same_v<T, domain::Metadata>) {
    if (!e.is_object()) return error.fail("object", name);
    out.clear();
    std::string_view key;
    json::Value value;
    for (json::Members members(e); members.next(&key, &value);) {
      out.emplace(std::string(key), read_text(value, Field::required, name, error));
    }
  } else if constexpr (IsVector<T>::value) {
    if (!e.is_array()) return error.fail("array", name);
    out.clear();
    json::Value item;
    for (json::Items items(e); items.next(&item);) {
      read_value(item, out.emplace_back(), f, name, error);
    }
  } else if constexpr (domain::HasFields<T>) {
    if (!e.is_object()) return error.fail("object", name);
    read_fields(e, out, error);
  } else {
    static_assert(kUnsupportedField<T>, "a field type the codec does not know");
  }
}

// --- JSON Schema (draft 2020-12) -------------------------------------------------------------

template <class T>
void write_schema(json::Writer& w, Field f = Field::required);

// Visitors of write_object_schema: each field's schema, and each field's name.
struct SchemaProperties {
  json::Writer& w;
  template <class V>
  void operator()(std::string_view name, const V&, Field f = Field::required) {
    w.key(name);
    write_schema<V>(w, f);
  }
};
struct SchemaNames {
  json::Writer& w;
  template <class V>
  void operator()(std::string_view name, const V&, Field = Field::required) {
    w.string(name);
  }
};

// The schema of an object with T's declared fields; every field is required (present), and
// none other is allowed.
template <domain::HasFields T>
void write_object_schema(json::Writer& w) {
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

inline void write_type_schema(json::Writer& w, std::string_view type, Field f) {
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
void write_schema(json::Writer& w, Field f) {
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
