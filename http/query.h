#pragma once
// application/x-www-form-urlencoded text: a URL's query and a form body, decoded and encoded.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace payledger::http {

using Pairs = std::vector<std::pair<std::string, std::string>>;

// The pairs of `text` in order. '&' separates them; the first '=' splits a name from its value
// (a value may hold '=': "description=a=b" is ("description", "a=b")); a pair with no '=' has an
// empty value; empty pairs are skipped. '+' is a space and %XX a byte; a '%' not followed by two
// hex digits stays as it is. Bytes are not checked as UTF-8: the caller does, naming the field.
Pairs parse_form(std::string_view text);

// `text` with %XX escapes and, when `plus_is_space`, '+' decoded (a path: false).
std::string percent_decode(std::string_view text, bool plus_is_space);

// `text` as one component of a query: unreserved characters (RFC 3986) as they are, every other
// byte as %XX.
std::string encode_component(std::string_view text);

}  // namespace payledger::http
