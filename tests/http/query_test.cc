// http/query.h: form and query text decoded and encoded.
#include <doctest/doctest.h>

#include <string>

#include "http/query.h"

using payledger::http::encode_component;
using payledger::http::Pairs;
using payledger::http::parse_form;
using payledger::http::percent_decode;

TEST_CASE("a form's pairs, in order, split at the first '='") {
  CHECK(parse_form("a=1&b=2&a=3") == Pairs{{"a", "1"}, {"b", "2"}, {"a", "3"}});
  // A value may hold '=' (cpp-httplib's parser kept only what followed the last one).
  CHECK(parse_form("description=key=value") == Pairs{{"description", "key=value"}});
  CHECK(parse_form("flag&&x=") == Pairs{{"flag", ""}, {"x", ""}});
  CHECK(parse_form("") == Pairs{});
  CHECK(parse_form("metadata%5Bk%5D=a+b%21") == Pairs{{"metadata[k]", "a b!"}});
  CHECK(parse_form("expand[]=latest_charge") == Pairs{{"expand[]", "latest_charge"}});
}

TEST_CASE("escapes: %XX is a byte, a broken escape stays, '+' is a space only in forms") {
  CHECK(percent_decode("100%25", true) == "100%");
  CHECK(percent_decode("50%", true) == "50%");
  CHECK(percent_decode("%zz%4", true) == "%zz%4");
  CHECK(percent_decode("%e2%9c%93", true) == "\xe2\x9c\x93");
  CHECK(percent_decode("a+b", false) == "a+b");
  CHECK(percent_decode("a+b", true) == "a b");
}

TEST_CASE("a component is encoded so that decoding gives it back") {
  CHECK(encode_component("pi_123-a.b~c") == "pi_123-a.b~c");
  CHECK(encode_component("a b&c=d/é") == "a%20b%26c%3Dd%2F%C3%A9");
  const std::string every_byte = [] {
    std::string s;
    for (int c = 0; c < 256; ++c) s.push_back(static_cast<char>(c));
    return s;
  }();
  CHECK(percent_decode(encode_component(every_byte), true) == every_byte);
}
