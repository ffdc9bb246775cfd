// The field codec (contract/field_codec.h) on a type declared here: what it writes is read back
// unchanged, and each way a stored value can be malformed is reported, without an exception,
// as a json::ReadError naming the field, the first failure first.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "contract/field_codec.h"

using namespace payledger;
using domain::Field;

namespace codec_test {

enum class Color : std::uint8_t { red, blue };

struct Inner {
  std::string name;
  bool operator==(const Inner&) const = default;
  template <class S, class V>
  static void fields(S& self, V& visit) {
    visit("name", self.name);
  }
};

struct Sample {
  std::string id;
  std::string note;  // nullable
  std::int64_t count = 0;
  std::uint32_t small = 0;
  bool flag = false;
  domain::Amount amount;
  domain::Currency currency;
  Color color = Color::red;
  std::optional<std::string> maybe;
  domain::Metadata metadata;
  std::vector<Inner> items;
  Inner inner;
  bool operator==(const Sample&) const = default;
  template <class S, class V>
  static void fields(S& self, V& visit) {
    visit("id", self.id);
    visit("note", self.note, Field::nullable);
    visit("count", self.count);
    visit("small", self.small);
    visit("flag", self.flag);
    visit("amount", self.amount);
    visit("currency", self.currency);
    visit("color", self.color);
    visit("maybe", self.maybe);
    visit("metadata", self.metadata);
    visit("items", self.items);
    visit("inner", self.inner);
  }
};

}  // namespace codec_test

template <>
struct payledger::domain::EnumNames<codec_test::Color> {
  static constexpr std::array kNames = {
      std::pair<std::string_view, codec_test::Color>{"red", codec_test::Color::red},
      std::pair<std::string_view, codec_test::Color>{"blue", codec_test::Color::blue}};
};

namespace codec_test {

Sample full_sample() {
  Sample s;
  s.id = "smp_1";
  s.count = -7;
  s.small = 42;
  s.flag = true;
  s.amount = domain::Amount::of_minor(1999);
  s.currency = *domain::Currency::parse("eur");
  s.color = Color::blue;
  s.maybe = "here";
  s.metadata = {{"k", "v"}};
  s.items = {Inner{"a"}, Inner{"b"}};
  s.inner = Inner{"in"};
  return s;
}

std::string written(const Sample& s) {
  json::Writer w;
  contract::write_value(w, s);
  return w.take();
}

// Reads `text` as a Sample; the error's text ("" when none).
std::string read_error(const std::string& text, Sample* out = nullptr) {
  json::Parser parser;
  json::Value root;
  REQUIRE(parser.parse(text, &root));
  json::ReadError error;
  Sample s;
  contract::read_value(root, s, Field::required, "sample", error);
  if (out != nullptr) *out = s;
  return error.what();
}

// `written(full_sample())` with the member `key`'s value replaced by `value` ("" removes it).
std::string with_member(const std::string& key, const std::string& value) {
  std::string text = written(full_sample());
  const std::string marker = "\"" + key + "\":";
  const std::size_t at = text.find(marker);
  REQUIRE(at != std::string::npos);
  std::size_t end = at + marker.size();
  int depth = 0;
  for (; end < text.size(); ++end) {
    const char c = text[end];
    if (c == '{' || c == '[') ++depth;
    if (c == '}' || c == ']') {
      if (depth == 0) break;
      --depth;
    }
    if (c == ',' && depth == 0) break;
  }
  if (value.empty()) {
    const bool comma_after = end < text.size() && text[end] == ',';
    return text.erase(at, end - at + (comma_after ? 1 : 0));
  }
  return text.replace(at + marker.size(), end - at - marker.size(), value);
}

}  // namespace codec_test

using namespace codec_test;

TEST_CASE("what the codec writes it reads back unchanged, with no error") {
  for (Sample s : {full_sample(), Sample{}}) {
    const std::string text = written(s);
    CAPTURE(text);
    Sample back;
    CHECK(read_error(text, &back).empty());
    CHECK(back == s);
  }
  // The conventions: "" as null where nullable, an absent optional as nullopt.
  CHECK(written(Sample{}).find("\"note\":null") != std::string::npos);
  Sample back;
  CHECK(read_error(with_member("maybe", ""), &back).empty());
  CHECK_FALSE(back.maybe.has_value());
  CHECK(read_error(with_member("note", ""), &back).empty());  // nullable: absence reads as ""
  CHECK(back.note.empty());
}

TEST_CASE("each malformed field is named, and nothing throws") {
  const std::pair<std::string, std::string> cases[] = {
      {with_member("id", ""), "field id"},
      {with_member("id", "7"), "string id"},
      {with_member("count", "\"7\""), "integer count"},
      {with_member("count", "1.5"), "integer count"},
      {with_member("small", "-1"), "unsigned integer small"},
      {with_member("flag", "1"), "boolean flag"},
      {with_member("amount", "-1"), "amount amount"},
      {with_member("amount", "100000000000000000"), "amount amount"},
      {with_member("currency", "\"euro\""), "currency currency"},
      {with_member("color", "\"green\""), "enum color"},
      {with_member("metadata", "[]"), "object metadata"},
      {with_member("metadata", R"({"k":1})"), "string metadata"},
      {with_member("items", "{}"), "array items"},
      {with_member("items", R"([{"name":"a"},{}])"), "field name"},
      {with_member("inner", "\"x\""), "object inner"},
      {"[1]", "object sample"},
  };
  for (const auto& malformed : cases) {
    const std::string& text = malformed.first;  // a named variable: CAPTURE takes no binding
    CAPTURE(text);
    CHECK(read_error(text) == malformed.second);
  }
}

TEST_CASE("the first failure is the one reported") {
  std::string text = with_member("id", "");
  text = text.replace(text.find("\"count\":-7"), 10, "\"count\":\"x\"");
  CHECK(read_error(text) == "field id");
}
