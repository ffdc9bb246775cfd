#pragma once
// Declaring a struct's fields once. A type that is stored or published lists its fields in
//   template <class S, class V> static void fields(S& self, V& visit)
// calling visit("name", self.member) (or visit("name", self.member, Field::nullable)) for each.
// The event codec, the state encoding of the views and the JSON Schemas all walk that one list
// (contract/field_codec.h), so a field is written once. Pure: names and members, no JSON here.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include "domain/assert.h"

namespace payledger::domain {

// nullable: an empty string is written as null, and null or absence reads as "".
enum class Field : std::uint8_t { required, nullable };

// The names of an enum, for the codec and the API:
//   template <> struct EnumNames<CaptureMethod> { static constexpr std::array kNames = {...}; };
// with std::pair<std::string_view, E> entries.
template <class E>
struct EnumNames;

template <class E>
concept NamedEnum = requires {
  EnumNames<E>::kNames;
};

template <NamedEnum E>
std::string_view enum_name(E e) {
  for (const auto& [text, value] : EnumNames<E>::kNames) {
    if (value == e) return text;
  }
  PL_ASSERT(false, "every enum value has a name");
}

template <NamedEnum E>
std::optional<E> parse_enum(std::string_view s) {
  for (const auto& [text, value] : EnumNames<E>::kNames) {
    if (text == s) return value;
  }
  return std::nullopt;
}

// A visitor that accepts any field: used to ask whether a type declares fields.
struct AnyFieldVisitor {
  template <class... A>
  void operator()(A&&...) {}
};

template <class T>
concept HasFields = requires(T& t, AnyFieldVisitor& v) {
  T::fields(t, v);
};

}  // namespace payledger::domain
