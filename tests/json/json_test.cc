// json/: the reader's typed reads and its first-failure error, and the text helpers.
#include <doctest/doctest.h>

#include <string>

#include "json/reader.h"
#include "json/text.h"
#include "json/writer.h"

using namespace payledger;

namespace {

simdjson::dom::element parse(simdjson::dom::parser& parser, const std::string& text) {
  simdjson::dom::element root;
  REQUIRE(parser.parse(text).get(root) == simdjson::SUCCESS);
  return root;
}

}  // namespace

TEST_CASE("a reader reads what is there and records the first of what is not") {
  simdjson::dom::parser parser;
  const auto root = parse(parser, R"({"s":"text","n":42,"a":[{"x":1},{"x":"no"}],"o":{}})");
  json::ReadError error;
  const json::Reader r(root, error);
  CHECK(r.str("s") == "text");
  CHECK(r.i64("n") == 42);
  CHECK(r.object("o").is_object());
  CHECK_FALSE(error.failed());
  const simdjson::dom::array items = r.array("a");
  REQUIRE_FALSE(error.failed());
  std::int64_t sum = 0;
  for (simdjson::dom::element item : items) sum += r.nested(item).i64("x");
  CHECK(sum == 1);  // the second item's "x" is a string: recorded, read as 0
  CHECK(error.what() == "integer x");
  (void)r.str("missing");  // later failures do not replace the first
  CHECK(error.what() == "integer x");
}

TEST_CASE("each kind of read names its kind and its field") {
  simdjson::dom::parser parser;
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
