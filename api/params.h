#pragma once
// Request parameters from a JSON body or a form body with bracket notation
// (metadata[order_ref]=x, what Stripe's client libraries send), read through typed getters.
// Getters record the first problem instead of failing at once; finish() reports it, or any
// parameter that no getter asked for, always naming the parameter.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "api/errors.h"
#include "domain/expected.h"
#include "domain/types.h"

namespace payledger::api {

struct ParamNode {
  enum class Kind { null, boolean, integer, number, string, object, array };
  Kind kind = Kind::null;
  bool from_form = false;  // form values are all strings; getters convert them
  bool b = false;
  std::int64_t i = 0;
  std::string s;  // a string's value; a JSON number's text (kind number)
  std::map<std::string, ParamNode> object;
};

class Params {
 public:
  static Expected<Params, ApiError> from_json(std::string_view body);
  static Expected<Params, ApiError> from_form(std::string_view body);
  static Params empty() { return Params(); }

  // Names are top-level ("email") or bracket paths into objects ("address[line1]").
  // nullopt when absent or null. Strings longer than max_chars (Unicode code points, not
  // bytes) are an error.
  std::optional<std::string> string(const std::string& name, std::size_t max_chars = 5000);
  std::optional<std::int64_t> integer(const std::string& name);
  std::optional<bool> boolean(const std::string& name);
  // A non-negative decimal with at most `fraction_digits` significant digits after the point,
  // scaled by 10^fraction_digits: 19.5 with 4 digits is 195000. A form value must be written
  // digits[.digits] (no sign, no exponent); a JSON number is taken at its shortest decimal
  // form (1e1 is 10; exact up to 15 significant digits). Anything else, or a value past 18
  // digits in all, is an error naming the parameter. REQUIRES: 0 <= fraction_digits <= 9.
  std::optional<std::int64_t> decimal(const std::string& name, int fraction_digits);
  std::string required_string(const std::string& name, std::size_t max_chars = 5000);
  std::int64_t required_integer(const std::string& name);
  // String values only; at most 50 keys of <= 40 chars, values of <= 500 chars (code points).
  domain::Metadata metadata(const std::string& name);

  // The number of elements of the list `name`: a JSON array, or a form's name[0], name[1], ...
  // (indices from 0, none missing). 0 when absent; an error naming it when it is not a list.
  // Its elements are asked for as name[0], name[1][price], ...
  std::size_t count(const std::string& name);
  // A list of strings (allowed_countries[0]=US); nullopt when absent.
  std::optional<std::vector<std::string>> strings(const std::string& name, std::size_t max_items,
                                                  std::size_t max_chars);

  // Whether `name` was sent at all, even empty or null (an update's "unset this").
  bool has(const std::string& name);
  // For updates: nullopt when absent, "" when sent empty or null (unset), else the string.
  std::optional<std::string> update_string(const std::string& name, std::size_t max_chars = 5000);
  // Whether `name` holds an object (form brackets or a JSON object).
  bool is_object(const std::string& name) const;
  // For an object parameter: true when it holds an object (whose members are then asked for),
  // false when it was sent empty ("" or null: not given, or an update's "unset"), nullopt when
  // absent. Any other value is an error naming it.
  std::optional<bool> object_given(const std::string& name);
  // For updates: nullopt when absent; keys sent empty or null are unset; metadata="" unsets all.
  std::optional<domain::MetadataPatch> metadata_patch(const std::string& name);

  // The first error, or an unknown parameter; nullopt when the request is well-formed.
  std::optional<ApiError> finish() const;

  // The parameters in one canonical text: the same parameters give the same text whatever the
  // order, the body's encoding (form or JSON) or a scalar's spelling ("100" or 100).
  std::string canonical_form() const;

 private:
  const ParamNode* lookup(const std::string& name) const;
  const ParamNode* find(const std::string& name);
  std::optional<std::string> unasked(const std::map<std::string, ParamNode>& level,
                                     const std::string& prefix) const;
  void fail(ApiError e);
  std::map<std::string, ParamNode> root_;
  std::set<std::string> asked_;
  std::optional<ApiError> error_;
};

}  // namespace payledger::api
