#pragma once
// A parsed JSON document and its values, as every decoder sees them: simdjson's DOM behind
// opaque handles. This header includes nothing of simdjson on purpose: the field codec, the
// aggregates and the event codec are templates included by nearly every file, and simdjson's
// 170k preprocessed lines made half of each such file's compile time (docs/performance.md,
// "The test command's time"). json/simdjson.h converts to and from simdjson's own types, for
// the few files that use its API directly.
//
// A Value points into its Parser's document: it stays valid until that parser's next parse or
// its destruction. Reads never throw; a read of the wrong type returns false.
#include <cstdint>
#include <memory>
#include <string_view>

namespace payledger::json {

struct SimdjsonAccess;

class Value {
 public:
  // A value of no document (what a failed Reader read returns): every read of it fails, and it
  // has no items or members.
  Value() = default;

  [[nodiscard]] bool is_null() const;
  [[nodiscard]] bool is_object() const;
  [[nodiscard]] bool is_array() const;
  // The member `key` of an object into `out`; false when this is no object or has no such
  // member.
  [[nodiscard]] bool member(std::string_view key, Value* out) const;
  // The value as a string, a 64-bit integer, a boolean; false (and `out` untouched) when it is
  // of another type. A string points into the document.
  [[nodiscard]] bool get(std::string_view* out) const;
  [[nodiscard]] bool get(std::int64_t* out) const;
  [[nodiscard]] bool get(bool* out) const;

 private:
  friend struct SimdjsonAccess;
  alignas(8) unsigned char raw_[16] = {};  // a simdjson::dom::element
};

// The items of an array, in order: `for (Items items(array); items.next(&item);)`.
class Items {
 public:
  // Over the items of `array`; none when it is not an array.
  explicit Items(const Value& array);
  // The next item into `item`; false after the last.
  [[nodiscard]] bool next(Value* item);

 private:
  friend struct SimdjsonAccess;
  alignas(8) unsigned char raw_[32] = {};  // simdjson's array iterator and its end
  bool empty_ = true;
};

// The members of an object, in the document's order.
class Members {
 public:
  // Over the members of `object`; none when it is not an object.
  explicit Members(const Value& object);
  // The next member into `key` and `value`; false after the last.
  [[nodiscard]] bool next(std::string_view* key, Value* value);

 private:
  friend struct SimdjsonAccess;
  alignas(8) unsigned char raw_[32] = {};  // simdjson's object iterator and its end
  bool empty_ = true;
};

// Parses JSON texts, reusing its buffers. One per thread: a parser is not thread-safe.
class Parser {
 public:
  Parser();
  ~Parser();
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;
  // Parses `text` into `root`; false when it is not JSON (or is deeper or larger than simdjson
  // takes). `root` and every value reached from it are valid until the next parse.
  [[nodiscard]] bool parse(std::string_view text, Value* root);

 private:
  friend struct SimdjsonAccess;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace payledger::json
