#pragma once
// Whole JSON texts and strings, for the places that hold JSON as text rather than write it
// value by value: a quoted string, bytes made valid UTF-8, a text re-indented.
#include <optional>
#include <string>
#include <string_view>

namespace payledger::json {

// `s` as a JSON string literal, quotes included ("a\"b"). REQUIRES: `s` is valid UTF-8
// (replace_invalid_utf8 makes it so).
std::string quoted(std::string_view s);

// `s` with every byte that is not part of a valid UTF-8 sequence replaced by U+FFFD: what an
// answer that must always be writable (an error body echoing input) does to its texts.
std::string replace_invalid_utf8(std::string_view s);

// `json` re-indented by two spaces a level, keys in their order; nullopt if it is not JSON.
std::optional<std::string> pretty(std::string_view json);

}  // namespace payledger::json
