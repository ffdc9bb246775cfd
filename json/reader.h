#pragma once
// Typed reads of a JSON object (json/value.h): the one JSON reader's helpers, shared by the event
// codec, the view parser and the field codec. Nothing here throws. A field that is missing or of
// the wrong type records the first such failure in a ReadError and reads as a default value; the
// caller checks the error once, at the end of its decode, and turns it into a Status.
#include <cstdint>
#include <string>
#include <string_view>

#include "json/value.h"

namespace payledger::json {

// The first failure of one decode, e.g. "integer amount". Every reader of one document (nested
// objects included) reports to the same ReadError, so one check at the end covers them all.
class ReadError {
 public:
  // True once any read failed.
  [[nodiscard]] bool failed() const { return !what_.empty(); }
  // What failed first ("" while nothing did).
  [[nodiscard]] const std::string& what() const { return what_; }
  // Records "KIND NAME" unless a failure was recorded already (the first one says why).
  void fail(std::string_view kind, std::string_view name) {
    if (what_.empty()) what_ = std::string(kind) + " " + std::string(name);
  }

 private:
  std::string what_;
};

class Reader {
 public:
  // Reads `obj`, reporting to `error`, which must outlive the reader.
  Reader(Value obj, ReadError& error) : obj_(obj), error_(&error) {}

  // The field with any value (null included); records "field KEY" when it is absent. After a
  // failure the value (or array) returned is a default one that must not be read: check the
  // error before reading into it.
  [[nodiscard]] Value field(const char* key) const {
    Value v;
    if (!obj_.member(key, &v)) error_->fail("field", key);
    return v;
  }
  // The field's object; records "object KEY" when it is absent or not an object.
  [[nodiscard]] Value object(const char* key) const {
    Value v;
    if (!obj_.member(key, &v) || !v.is_object()) error_->fail("object", key);
    return v;
  }
  // The field's array; records "array KEY" when it is absent or not one (iterate it with
  // json::Items, which finds no items in a default value).
  [[nodiscard]] Value array(const char* key) const {
    Value v;
    if (!obj_.member(key, &v) || !v.is_array()) error_->fail("array", key);
    return v;
  }
  // A reader of `element` (an item of an array), reporting to the same error.
  [[nodiscard]] Reader nested(Value element) const { return Reader(element, *error_); }
  // The field's string ("" with "string KEY" recorded when it is absent or not a string).
  [[nodiscard]] std::string str(const char* key) const {
    Value v;
    std::string_view s;
    if (!obj_.member(key, &v) || !v.get(&s)) error_->fail("string", key);
    return std::string(s);
  }
  // The field's integer (0 with "integer KEY" recorded when it is absent or not one).
  [[nodiscard]] std::int64_t i64(const char* key) const {
    Value v;
    std::int64_t n = 0;
    if (!obj_.member(key, &v) || !v.get(&n)) error_->fail("integer", key);
    return n;
  }

 private:
  Value obj_;
  ReadError* error_;
};

}  // namespace payledger::json
