#include "json/text.h"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <simdjson.h>

#include "json/writer.h"

namespace payledger::json {

std::string quoted(std::string_view s) {
  Writer w;
  w.string(s);
  return w.take();
}

namespace {

// The length of the valid UTF-8 sequence at s[i], or 0 if none starts there (RFC 3629:
// no overlong forms, no surrogates, nothing past U+10FFFF).
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3;
    if (b0 == 0xE0) low = 0xA0;
    if (b0 == 0xED) high = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4;
    if (b0 == 0xF0) low = 0x90;
    if (b0 == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (i + length > s.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return length;
}

template <class W>
void write_element(W& w, simdjson::dom::element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::OBJECT:
      w.StartObject();
      for (auto field : simdjson::dom::object(e)) {
        w.Key(field.key.data(), static_cast<rapidjson::SizeType>(field.key.size()));
        write_element(w, field.value);
      }
      w.EndObject();
      break;
    case simdjson::dom::element_type::ARRAY:
      w.StartArray();
      for (auto item : simdjson::dom::array(e)) write_element(w, item);
      w.EndArray();
      break;
    case simdjson::dom::element_type::STRING: {
      const std::string_view v(e);
      w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
      break;
    }
    case simdjson::dom::element_type::INT64:
      w.Int64(std::int64_t(e));
      break;
    case simdjson::dom::element_type::UINT64:
      w.Uint64(std::uint64_t(e));
      break;
    case simdjson::dom::element_type::DOUBLE:
      w.Double(double(e));
      break;
    case simdjson::dom::element_type::BOOL:
      w.Bool(bool(e));
      break;
    case simdjson::dom::element_type::NULL_VALUE:
      w.Null();
      break;
  }
}

}  // namespace

std::string replace_invalid_utf8(std::string_view s) {
  if (simdjson::validate_utf8(s.data(), s.size())) return std::string(s);
  std::string out;
  out.reserve(s.size() + 8);
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t length = utf8_sequence_length(s, i);
    if (length == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
      ++i;
    } else {
      out.append(s, i, length);
      i += length;
    }
  }
  return out;
}

std::optional<std::string> pretty(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json.data(), json.size()).get(root) != simdjson::SUCCESS) return std::nullopt;
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
  w.SetIndent(' ', 2);
  write_element(w, root);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace payledger::json
