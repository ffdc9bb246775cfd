#include "api/params.h"

#include <algorithm>
#include <charconv>

#include <simdjson.h>

#include "domain/assert.h"
#include "http/query.h"

namespace payledger::api {
namespace {

constexpr int kMaxDepth = 8;
constexpr std::size_t kMaxMetadataKeys = 50;
constexpr std::size_t kMaxMetadataKeyChars = 40;
constexpr std::size_t kMaxMetadataValueChars = 500;

// Limits are in characters, as the docs (and Stripe) state them. Every string here was
// validated as UTF-8 when parsed, so the code points are the bytes that are not continuations.
std::size_t utf8_chars(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

ApiError body_error(std::string message) {
  return invalid_param("", "parameter_invalid_body", std::move(message));
}

bool to_node(simdjson::dom::element e, ParamNode& out, int depth) {
  using T = simdjson::dom::element_type;
  if (depth > kMaxDepth) return false;
  switch (e.type()) {
    case T::NULL_VALUE:
      out.kind = ParamNode::Kind::null;
      return true;
    case T::BOOL:
      out.kind = ParamNode::Kind::boolean;
      out.b = e.get_bool().value();
      return true;
    case T::INT64:
      out.kind = ParamNode::Kind::integer;
      out.i = e.get_int64().value();
      return true;
    case T::UINT64:
    case T::DOUBLE:
      out.kind = ParamNode::Kind::number;
      // simdjson parsed it as a double; its shortest decimal form (exact up to 15 significant
      // digits) is what Params::decimal reads: 1e1 is 10, as JSON means.
      out.s = simdjson::minify(e);
      return true;
    case T::STRING:
      out.kind = ParamNode::Kind::string;
      out.s = std::string(e.get_string().value());
      return true;
    case T::ARRAY: {
      // Elements are kept under their indices, as a form's name[0], name[1] are.
      out.kind = ParamNode::Kind::array;
      std::size_t index = 0;
      const simdjson::dom::array items = e.get_array().value();
      for (simdjson::dom::element item : items) {
        if (!to_node(item, out.object[std::to_string(index++)], depth + 1)) return false;
      }
      return true;
    }
    case T::OBJECT: {
      out.kind = ParamNode::Kind::object;
      const simdjson::dom::object obj = e.get_object().value();
      for (auto field : obj) {
        if (!to_node(field.value, out.object[std::string(field.key)], depth + 1)) return false;
      }
      return true;
    }
  }
  return false;
}

// Splits "metadata[order_ref]" into {"metadata", "order_ref"}; nullopt when malformed.
std::optional<std::vector<std::string>> bracket_path(const std::string& key) {
  std::vector<std::string> path;
  const auto open = key.find('[');
  path.push_back(key.substr(0, open));
  if (path[0].empty()) return std::nullopt;
  std::size_t at = open;
  while (at != std::string::npos && at < key.size()) {
    if (key[at] != '[') return std::nullopt;
    const auto close = key.find(']', at);
    if (close == std::string::npos || close == at + 1) return std::nullopt;
    path.push_back(key.substr(at + 1, close - at - 1));
    at = close + 1 == key.size() ? std::string::npos : close + 1;
    if (path.size() > kMaxDepth) return std::nullopt;
  }
  return path;
}

const char* kind_name(ParamNode::Kind k) {
  switch (k) {
    case ParamNode::Kind::object:
      return "an object";
    case ParamNode::Kind::array:
      return "an array";
    default:
      return "a scalar";
  }
}

}  // namespace

Expected<Params, ApiError> Params::from_json(std::string_view body) {
  Params p;
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return p;
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(body.data(), body.size()).get(root) != simdjson::SUCCESS) {
    return Unexpected{body_error("Invalid JSON in the request body.")};
  }
  ParamNode node;
  if (!to_node(root, node, 0)) return Unexpected{body_error("The JSON body nests too deeply.")};
  if (node.kind != ParamNode::Kind::object) {
    return Unexpected{body_error("The JSON body must be an object of parameters.")};
  }
  p.root_ = std::move(node.object);
  return p;
}

Expected<Params, ApiError> Params::from_form(std::string_view body) {
  Params p;
  for (const auto& [key, value] : http::parse_form(body)) {
    if (!simdjson::validate_utf8(key.data(), key.size())) {
      return Unexpected{body_error("A parameter name is not valid UTF-8.")};
    }
    if (!simdjson::validate_utf8(value.data(), value.size())) {
      return Unexpected{
          invalid_param(key, "parameter_invalid_string", key + " is not valid UTF-8.")};
    }
    auto path = bracket_path(key);
    if (!path) {
      return Unexpected{
          invalid_param(key, "parameter_invalid", "Malformed parameter name: " + key)};
    }
    ParamNode* node = &p.root_[(*path)[0]];
    for (std::size_t i = 1; i < path->size(); ++i) {
      if (node->kind != ParamNode::Kind::object && node->kind != ParamNode::Kind::null) {
        return Unexpected{invalid_param(key, "parameter_invalid", "Conflicting parameter: " + key)};
      }
      node->kind = ParamNode::Kind::object;
      node = &node->object[(*path)[i]];
    }
    if (node->kind != ParamNode::Kind::null) {
      return Unexpected{invalid_param(key, "parameter_invalid", "Repeated parameter: " + key)};
    }
    node->kind = ParamNode::Kind::string;
    node->from_form = true;
    node->s = value;
  }
  return p;
}

void Params::fail(ApiError e) {
  if (!error_) error_ = std::move(e);
}

// The node at `name`, a top-level name or a bracket path ("address[line1]"), if present.
const ParamNode* Params::lookup(const std::string& name) const {
  auto path = bracket_path(name);
  if (!path) return nullptr;
  const std::map<std::string, ParamNode>* level = &root_;
  const ParamNode* node = nullptr;
  for (const auto& part : *path) {
    if (level == nullptr) return nullptr;
    auto it = level->find(part);
    if (it == level->end()) return nullptr;
    node = &it->second;
    const bool nested =
        node->kind == ParamNode::Kind::object || node->kind == ParamNode::Kind::array;
    level = nested ? &node->object : nullptr;
  }
  return node;
}

const ParamNode* Params::find(const std::string& name) {
  asked_.insert(name);
  const ParamNode* n = lookup(name);
  if (n == nullptr || n->kind == ParamNode::Kind::null) return nullptr;
  // A form sends "" to mean "unset", as Stripe's libraries do.
  if (n->from_form && n->s.empty()) return nullptr;
  return n;
}

bool Params::has(const std::string& name) {
  const ParamNode* n = lookup(name);
  // An object's members are asked for one by one, so that an unknown member is still reported;
  // an empty object has none, and asking whether it is there is asking for it.
  if (n == nullptr || n->kind != ParamNode::Kind::object || n->object.empty()) {
    asked_.insert(name);
  }
  return n != nullptr;
}

std::optional<std::string> Params::update_string(const std::string& name, std::size_t max_chars) {
  if (!has(name)) return std::nullopt;
  return string(name, max_chars).value_or("");
}

bool Params::is_object(const std::string& name) const {
  const ParamNode* n = lookup(name);
  return n != nullptr && n->kind == ParamNode::Kind::object;
}

std::optional<bool> Params::object_given(const std::string& name) {
  const ParamNode* n = lookup(name);
  // Like has(): an object's members are asked for one by one.
  if (n == nullptr || n->kind != ParamNode::Kind::object || n->object.empty()) {
    asked_.insert(name);
  }
  if (n == nullptr) return std::nullopt;
  if (n->kind == ParamNode::Kind::object) return true;
  if (n->kind != ParamNode::Kind::null && !(n->kind == ParamNode::Kind::string && n->s.empty())) {
    fail(invalid_param(name, "parameter_invalid",
                       name + " must be an object, or \"\" to leave it out."));
  }
  return false;
}

std::optional<domain::MetadataPatch> Params::metadata_patch(const std::string& name) {
  const auto given = object_given(name);
  if (!given) return std::nullopt;
  domain::MetadataPatch patch;
  if (!*given) {  // metadata="" (or null) unsets every key
    patch.clear = true;
    return patch;
  }
  const ParamNode* n = lookup(name);
  for (const auto& [k, v] : n->object) {
    if (v.kind == ParamNode::Kind::null || (v.kind == ParamNode::Kind::string && v.s.empty())) {
      patch.entries[k] = std::nullopt;
    }
  }
  for (auto& [k, v] : metadata(name)) patch.entries[k] = std::move(v);
  return patch;
}

std::size_t Params::count(const std::string& name) {
  const ParamNode* n = lookup(name);
  // Like has(): a list's elements are asked for one by one, so that an unknown one is reported.
  if (n == nullptr || n->kind == ParamNode::Kind::null || n->object.empty()) {
    asked_.insert(name);
  }
  if (n == nullptr || n->kind == ParamNode::Kind::null) return 0;
  const bool nested = n->kind == ParamNode::Kind::object || n->kind == ParamNode::Kind::array;
  bool indexed = nested;
  for (std::size_t i = 0; indexed && i < n->object.size(); ++i) {
    indexed = n->object.contains(std::to_string(i));
  }
  if (!indexed) {
    asked_.insert(name);
    fail(invalid_param(name, "parameter_invalid",
                       name + " must be a list (" + name + "[0], " + name + "[1], ...)."));
    return 0;
  }
  return n->object.size();
}

std::optional<std::vector<std::string>> Params::strings(const std::string& name,
                                                        std::size_t max_items,
                                                        std::size_t max_chars) {
  if (!has(name)) return std::nullopt;
  const std::size_t n = count(name);
  if (n > max_items) {
    fail(invalid_param(name, "parameter_invalid",
                       name + " may have at most " + std::to_string(max_items) + " items."));
    return std::nullopt;
  }
  std::vector<std::string> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(required_string(name + "[" + std::to_string(i) + "]", max_chars));
  }
  return out;
}

std::optional<std::string> Params::string(const std::string& name, std::size_t max_chars) {
  const ParamNode* n = find(name);
  if (n == nullptr) return std::nullopt;
  if (n->kind != ParamNode::Kind::string) {
    fail(invalid_param(name, "parameter_invalid_string", name + " must be a string."));
    return std::nullopt;
  }
  if (utf8_chars(n->s) > max_chars) {
    fail(invalid_param(name, "parameter_invalid_string",
                       name + " must be at most " + std::to_string(max_chars) + " characters."));
    return std::nullopt;
  }
  return n->s;
}

std::optional<std::int64_t> Params::integer(const std::string& name) {
  const ParamNode* n = find(name);
  if (n == nullptr) return std::nullopt;
  if (n->kind == ParamNode::Kind::integer) return n->i;
  if (n->kind == ParamNode::Kind::string && n->from_form) {
    std::int64_t v = 0;
    const char* end = n->s.data() + n->s.size();
    auto [ptr, ec] = std::from_chars(n->s.data(), end, v);
    if (ec == std::errc() && ptr == end) return v;
  }
  fail(invalid_param(name, "parameter_invalid_integer", name + " must be an integer."));
  return std::nullopt;
}

namespace {

// "19.5" scaled by 10^fraction_digits; nullopt unless digits, optionally a point and at most
// fraction_digits more digits, and the result fits.
std::optional<std::int64_t> scaled_decimal(std::string_view text, int fraction_digits) {
  const std::size_t point = text.find('.');
  const std::string_view whole = text.substr(0, point);
  const std::string_view fraction =
      point == std::string_view::npos ? std::string_view() : text.substr(point + 1);
  const auto digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (whole.empty() || !digits(whole) || !digits(fraction)) return {};
  if (point != std::string_view::npos && fraction.empty()) return {};
  // At most 18 digits in all fit an int64 (10^18 < 2^63).
  if (whole.size() + static_cast<std::size_t>(fraction_digits) > 18) return {};
  // Trailing zeros say nothing: "19.50000" is 19.5, in a form as in JSON.
  std::string_view significant = fraction;
  while (!significant.empty() && significant.back() == '0') significant.remove_suffix(1);
  if (significant.size() > static_cast<std::size_t>(fraction_digits)) return {};
  std::int64_t v = 0;
  for (char c : whole) v = v * 10 + (c - '0');
  for (int i = 0; i < fraction_digits; ++i) {
    v = v * 10 + (static_cast<std::size_t>(i) < significant.size() ? significant[i] - '0' : 0);
  }
  return v;
}

}  // namespace

std::optional<std::int64_t> Params::decimal(const std::string& name, int fraction_digits) {
  PL_ASSERT(fraction_digits >= 0 && fraction_digits <= 9, "a decimal has at most 9 decimals");
  const ParamNode* n = find(name);
  if (n == nullptr) return std::nullopt;
  std::optional<std::int64_t> v;
  if (n->kind == ParamNode::Kind::integer) {
    v = n->i >= 0 ? scaled_decimal(std::to_string(n->i), fraction_digits) : std::nullopt;
  } else if (n->kind == ParamNode::Kind::number ||
             (n->kind == ParamNode::Kind::string && n->from_form)) {
    v = scaled_decimal(n->s, fraction_digits);
  }
  if (!v) {
    fail(invalid_param(name, "parameter_invalid",
                       name + " must be a non-negative decimal number with at most " +
                           std::to_string(fraction_digits) + " digits after the point."));
  }
  return v;
}

std::optional<bool> Params::boolean(const std::string& name) {
  const ParamNode* n = find(name);
  if (n == nullptr) return std::nullopt;
  if (n->kind == ParamNode::Kind::boolean) return n->b;
  if (n->from_form && (n->s == "true" || n->s == "false")) return n->s == "true";
  fail(invalid_param(name, "parameter_invalid_boolean", name + " must be true or false."));
  return std::nullopt;
}

std::string Params::required_string(const std::string& name, std::size_t max_chars) {
  auto v = string(name, max_chars);
  if (!v && !error_) {
    fail(invalid_param(name, "parameter_missing", "Missing required param: " + name + "."));
  }
  return v.value_or("");
}

std::int64_t Params::required_integer(const std::string& name) {
  auto v = integer(name);
  if (!v && !error_) {
    fail(invalid_param(name, "parameter_missing", "Missing required param: " + name + "."));
  }
  return v.value_or(0);
}

domain::Metadata Params::metadata(const std::string& name) {
  domain::Metadata out;
  const ParamNode* n = find(name);
  if (n == nullptr) return out;
  if (n->kind != ParamNode::Kind::object) {
    fail(invalid_param(name, "parameter_invalid", name + " must be an object of strings."));
    return out;
  }
  if (n->object.size() > kMaxMetadataKeys) {
    fail(invalid_param(name, "parameter_invalid", name + " may have at most 50 keys."));
    return out;
  }
  for (const auto& [k, v] : n->object) {
    std::string param = name;
    param.append("[").append(k).append("]");
    if (k.empty() || utf8_chars(k) > kMaxMetadataKeyChars) {
      fail(invalid_param(param, "parameter_invalid", "Metadata keys must be 1 to 40 characters."));
    } else if (v.kind == ParamNode::Kind::null) {
      continue;  // JSON's null, like "": no value (a patch's "remove this key")
    } else if (v.kind != ParamNode::Kind::string) {
      fail(invalid_param(
          param, "parameter_invalid",
          "Metadata values must be strings, not " + std::string(kind_name(v.kind)) + "."));
    } else if (utf8_chars(v.s) > kMaxMetadataValueChars) {
      fail(invalid_param(param, "parameter_invalid",
                         "Metadata values must be at most 500 characters."));
    } else if (!v.s.empty()) {
      out.emplace(k, v.s);
    }
  }
  return out;
}

// The first parameter under `prefix` that no getter asked for, as a bracket path.
std::optional<std::string> Params::unasked(const std::map<std::string, ParamNode>& level,
                                           const std::string& prefix) const {
  for (const auto& [name, node] : level) {
    std::string path = prefix;
    if (prefix.empty()) {
      path = name;
    } else {
      path.append("[").append(name).append("]");
    }
    if (asked_.contains(path)) continue;
    // An object (or list) whose members were asked for one by one is known.
    const bool nested = node.kind == ParamNode::Kind::object || node.kind == ParamNode::Kind::array;
    if (nested && !node.object.empty()) {
      if (auto inner = unasked(node.object, path)) return inner;
      continue;
    }
    // So is one sent empty ({}, [], null or ""): a parameter whose members a getter asked for.
    const bool empty = nested || node.kind == ParamNode::Kind::null ||
                       (node.kind == ParamNode::Kind::string && node.s.empty());
    const std::string members = path + "[";
    const auto member = asked_.lower_bound(members);
    if (empty && member != asked_.end() && member->starts_with(members)) continue;
    return path;
  }
  return std::nullopt;
}

std::optional<ApiError> Params::finish() const {
  if (error_) return error_;
  if (auto name = unasked(root_, "")) {
    return invalid_param(*name, "parameter_unknown", "Received unknown parameter: " + *name + ".");
  }
  return std::nullopt;
}

namespace {

// A scalar as length-prefixed text: a form's "100" and JSON's 100 are the same parameter.
void text(const std::string& value, std::string& out) {
  out.append("=").append(std::to_string(value.size())).append(":").append(value);
}

void canonical(const std::map<std::string, ParamNode>& level, std::string& out) {
  out.push_back('{');
  for (const auto& [name, node] : level) {
    out.append(std::to_string(name.size())).push_back(':');
    out.append(name);
    switch (node.kind) {
      case ParamNode::Kind::object:
      case ParamNode::Kind::array:  // the same as a form's name[0], name[1]
        canonical(node.object, out);
        continue;
      case ParamNode::Kind::integer:
        text(std::to_string(node.i), out);
        break;
      case ParamNode::Kind::boolean:
        text(node.b ? "true" : "false", out);
        break;
      case ParamNode::Kind::string:
      case ParamNode::Kind::number:  // its text: 19.5 as JSON is the form's "19.5"
        text(node.s, out);
        break;
      default:
        out.append(std::string("~") + kind_name(node.kind));
    }
  }
  out.push_back('}');
}

}  // namespace

std::string Params::canonical_form() const {
  std::string out;
  canonical(root_, out);
  return out;
}

}  // namespace payledger::api
