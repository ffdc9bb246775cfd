#pragma once
// Typed events of one aggregate: a std::variant of structs that each name their type
// (kType), schema version (kSchemaVersion) and fields (domain/fields.h). Encoding and decoding
// walk the variant's alternatives, so adding an event type is adding it to the variant.
#include <algorithm>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "contract/aggregate.h"
#include "contract/field_codec.h"
#include "domain/expected.h"
#include "eventstore/codec.h"

namespace payledger::contract {

template <class Body>
std::string_view type_of(const Body& body) {
  return std::visit([](const auto& e) { return std::decay_t<decltype(e)>::kType; }, body);
}

// For a module whose public events are its own events (customer.created, customer.updated, ...):
// announces the event under its own type, showing the document `object` `id`, unless its type
// is one of `silent`.
template <class Body>
void announce_as_logged(const Body& body, std::string_view object, const std::string& id,
                        std::vector<Announcement>* out,
                        std::initializer_list<std::string_view> silent = {}) {
  const std::string_view type = type_of(body);
  if (std::find(silent.begin(), silent.end(), type) != silent.end()) return;
  out->push_back({type, object, id});
}

// The stored envelope of one event of the variant `Body`.
template <class Body>
std::string encode_event(const domain::EventMeta& meta, const Body& body) {
  return std::visit(
      [&](const auto& e) {
        using E = std::decay_t<decltype(e)>;
        const eventstore::EventHeader header{meta, std::string(E::kType), E::kSchemaVersion};
        return eventstore::encode_envelope(header, [&](json::Writer& w) { write_fields(w, e); });
      },
      body);
}

// True when one of `Body`'s alternatives is the type `type`.
template <class Body>
bool declares(std::string_view type) {
  return [&]<std::size_t... I>(std::index_sequence<I...>) {
    return ((std::variant_alternative_t<I, Body>::kType == type) || ...);
  }
  (std::make_index_sequence<std::variant_size_v<Body>>());
}

// Decodes the data of an event of type `header.type` into `Body`. Returns corruption, saying
// why, for a type `Body` does not declare, another schema version, or data of the wrong shape.
template <class Body>
Expected<Body, eventstore::Status> decode_body(const eventstore::EventHeader& header,
                                               json::Value data) {
  std::optional<Body> out;
  std::string why;  // made only on a failure: this runs for every event projected
  auto try_one = [&]<class E>(std::type_identity<E>) {
    if (out || E::kType != header.type) return;
    if (E::kSchemaVersion != header.schema_version) {
      why = header.type + " with schema_version " + std::to_string(header.schema_version);
      return;
    }
    json::ReadError error;
    E e{};
    read_fields(data, e, error);
    if (error.failed()) {
      why = header.type + " data: " + error.what();
      return;
    }
    out = Body(std::move(e));
  };
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (try_one(std::type_identity<std::variant_alternative_t<I, Body>>{}), ...);
  }
  (std::make_index_sequence<std::variant_size_v<Body>>());
  if (!out) {
    return Unexpected{
        eventstore::Status::corruption(why.empty() ? "unknown event type " + header.type : why)};
  }
  return std::move(*out);
}

// Calls f(std::type_identity<E>{}) for each alternative E of `Body`.
template <class Body, class F>
void for_each_event_type(F&& f) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (f(std::type_identity<std::variant_alternative_t<I, Body>>{}), ...);
  }
  (std::make_index_sequence<std::variant_size_v<Body>>());
}

}  // namespace payledger::contract
