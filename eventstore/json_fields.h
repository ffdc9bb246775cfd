#pragma once
// JSON field conventions shared by the event codec and the API renderings: empty strings are
// written as null, metadata as an object of strings.
#include <string>

#include <nlohmann/json.hpp>

#include "domain/types.h"

namespace payledger::eventstore {

using Json = nlohmann::ordered_json;

inline Json or_null(const std::string& s) {
  return s.empty() ? Json(nullptr) : Json(s);
}

inline Json metadata_json(const domain::Metadata& m) {
  Json j = Json::object();
  for (const auto& [k, v] : m) j[k] = v;
  return j;
}

}  // namespace payledger::eventstore
