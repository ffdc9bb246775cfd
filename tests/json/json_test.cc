// json/: the reader's typed reads and its first-failure error, and the text helpers.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "json/reader.h"
#include "json/text.h"
#include "json/value.h"
#include "json/writer.h"

using namespace payledger;

namespace {

json::Value parse(json::Parser& parser, const std::string& text) {
  json::Value root;
  REQUIRE(parser.parse(text, &root));
  return root;
}

}  // namespace

TEST_CASE("a reader reads what is there and records the first of what is not") {
  json::Parser parser;
  const auto root = parse(parser, R"({"s":"text","n":42,"a":[{"x":1},{"x":"no"}],"o":{}})");
  json::ReadError error;
  const json::Reader r(root, error);
  CHECK(r.str("s") == "text");
  CHECK(r.i64("n") == 42);
  CHECK(r.object("o").is_object());
  CHECK_FALSE(error.failed());
  const json::Value items = r.array("a");
  REQUIRE_FALSE(error.failed());
  std::int64_t sum = 0;
  json::Value item;
  for (json::Items each(items); each.next(&item);) sum += r.nested(item).i64("x");
  CHECK(sum == 1);  // the second item's "x" is a string: recorded, read as 0
  CHECK(error.what() == "integer x");
  (void)r.str("missing");  // later failures do not replace the first
  CHECK(error.what() == "integer x");
}

TEST_CASE("each kind of read names its kind and its field") {
  json::Parser parser;
  const auto root = parse(parser, R"({"s":1,"n":"1","a":{},"o":[]})");
  const auto first_failure = [&](auto read) {
    json::ReadError error;
    read(json::Reader(root, error));
    return error.what();
  };
  CHECK(first_failure([](const json::Reader& r) { (void)r.str("s"); }) == "string s");
  CHECK(first_failure([](const json::Reader& r) { (void)r.i64("n"); }) == "integer n");
  CHECK(first_failure([](const json::Reader& r) { (void)r.array("a"); }) == "array a");
  CHECK(first_failure([](const json::Reader& r) { (void)r.object("o"); }) == "object o");
  CHECK(first_failure([](const json::Reader& r) { (void)r.field("none"); }) == "field none");
}

TEST_CASE("values: types, members, items in order, and a default value that reads as nothing") {
  json::Parser parser;
  const auto root =
      parse(parser, R"({"s":"t","n":-7,"b":true,"z":null,"a":[3,"x",null],"o":{"k":"v","j":"w"}})");
  json::Value v;
  std::string_view s;
  std::int64_t n = 0;
  bool b = false;
  REQUIRE(root.member("s", &v));
  CHECK((v.get(&s) && s == "t"));
  CHECK_FALSE(v.get(&n));  // a string is no integer, and `n` is left as it was
  CHECK(n == 0);
  REQUIRE(root.member("n", &v));
  CHECK((v.get(&n) && n == -7));
  REQUIRE(root.member("b", &v));
  CHECK((v.get(&b) && b));
  REQUIRE(root.member("z", &v));
  CHECK(v.is_null());
  CHECK_FALSE(root.member("missing", &v));
  REQUIRE(root.member("a", &v));
  CHECK(v.is_array());
  CHECK_FALSE(v.is_object());
  CHECK_FALSE(v.member("s", &v));  // an array has no members
  std::vector<std::string> items;
  json::Value item;
  for (json::Items each(v); each.next(&item);) {
    items.push_back(item.is_null() ? "null" : item.get(&s) ? std::string(s) : "number");
  }
  CHECK(items == std::vector<std::string>{"number", "x", "null"});
  REQUIRE(root.member("o", &v));
  std::string members;
  std::string_view key;
  for (json::Members each(v); each.next(&key, &item);) {
    REQUIRE(item.get(&s));
    members += std::string(key) + "=" + std::string(s) + ";";
  }
  CHECK(members == "k=v;j=w;");
  CHECK_FALSE(json::Items(root).next(&item));       // an object has no items
  CHECK_FALSE(json::Members(item).next(&key, &v));  // a string has no members

  // What a failed read returns: every read fails, nothing to iterate, nothing dereferenced.
  const json::Value none;
  CHECK_FALSE(none.is_null());
  CHECK_FALSE(none.is_object());
  CHECK_FALSE(none.is_array());
  CHECK_FALSE(none.member("s", &v));
  CHECK_FALSE(none.get(&s));
  CHECK_FALSE(none.get(&n));
  CHECK_FALSE(none.get(&b));
  CHECK_FALSE(json::Items(none).next(&item));
  CHECK_FALSE(json::Members(none).next(&key, &item));
  CHECK_FALSE(parser.parse("{not json", &v));
}

TEST_CASE("text helpers: quoted strings, repaired UTF-8, pretty printing") {
  CHECK(json::quoted("a\"b\\c\n") == R"("a\"b\\c\n")");
  CHECK(json::quoted("✓") == "\"✓\"");
  CHECK(json::replace_invalid_utf8("plain ✓") == "plain ✓");
  CHECK(json::replace_invalid_utf8("a\xff!") == "a\xEF\xBF\xBD!");
  CHECK(json::replace_invalid_utf8("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
  CHECK(json::replace_invalid_utf8("\xED\xA0\x80").find("\xED") == std::string::npos);  // surrogate
  CHECK(json::replace_invalid_utf8("\xE2\x9C") == "\xEF\xBF\xBD\xEF\xBF\xBD");          // cut short
  CHECK(json::pretty(R"({"b":[1,{"c":null}],"a":"x"})").value() ==
        "{\n  \"b\": [\n    1,\n    {\n      \"c\": null\n    }\n  ],\n  \"a\": \"x\"\n}");
  CHECK_FALSE(json::pretty("{not json").has_value());
}

TEST_CASE("the writer writes empty strings as null only where asked") {
  json::Writer w;
  w.begin_object();
  w.text("a", "");
  w.text_or_null("b", std::string());
  w.end_object();
  CHECK(w.take() == R"({"a":"","b":null})");
}
