#include "json/value.h"

#include <cstring>
#include <type_traits>

#include "json/simdjson.h"

namespace payledger::json {

namespace {

// Iterators and their end, copied in and out of an Items' or a Members' bytes.
template <class Iterator>
struct Cursor {
  Iterator at;
  Iterator end;
};

template <class Iterator>
void store(unsigned char* raw, const Cursor<Iterator>& c) {
  static_assert(sizeof(Cursor<Iterator>) <= 32);
  static_assert(std::is_trivially_copyable_v<Iterator>);
  std::memcpy(raw, &c, sizeof c);
}

template <class Iterator>
Cursor<Iterator> load(const unsigned char* raw) {
  Cursor<Iterator> c;
  std::memcpy(&c, raw, sizeof c);
  return c;
}

// A Value of no document (simdjson's default element, whose reads would dereference null):
// every element of a document differs from it, since each points to its document.
bool is_default(const Value& v) {
  static const Value kDefault;
  return std::memcmp(&v, &kDefault, sizeof(Value)) == 0;
}

}  // namespace

bool Value::is_null() const {
  return !is_default(*this) && unwrap(*this).is_null();
}
bool Value::is_object() const {
  return !is_default(*this) && unwrap(*this).is_object();
}
bool Value::is_array() const {
  return !is_default(*this) && unwrap(*this).is_array();
}

bool Value::member(std::string_view key, Value* out) const {
  if (is_default(*this)) return false;
  simdjson::dom::object o;
  simdjson::dom::element e;
  if (unwrap(*this).get(o) != simdjson::SUCCESS || o[key].get(e) != simdjson::SUCCESS) {
    return false;
  }
  *out = wrap(e);
  return true;
}

bool Value::get(std::string_view* out) const {
  return !is_default(*this) && unwrap(*this).get(*out) == simdjson::SUCCESS;
}
bool Value::get(std::int64_t* out) const {
  return !is_default(*this) && unwrap(*this).get(*out) == simdjson::SUCCESS;
}
bool Value::get(bool* out) const {
  return !is_default(*this) && unwrap(*this).get(*out) == simdjson::SUCCESS;
}

Items::Items(const Value& array) {
  simdjson::dom::array a;
  if (is_default(array) || unwrap(array).get(a) != simdjson::SUCCESS) return;
  store(raw_, Cursor<simdjson::dom::array::iterator>{a.begin(), a.end()});
  empty_ = false;
}

bool Items::next(Value* item) {
  if (empty_) return false;
  auto c = load<simdjson::dom::array::iterator>(raw_);
  if (c.at == c.end) return false;
  *item = wrap(*c.at);
  ++c.at;
  store(raw_, c);
  return true;
}

Members::Members(const Value& object) {
  simdjson::dom::object o;
  if (is_default(object) || unwrap(object).get(o) != simdjson::SUCCESS) return;
  store(raw_, Cursor<simdjson::dom::object::iterator>{o.begin(), o.end()});
  empty_ = false;
}

bool Members::next(std::string_view* key, Value* value) {
  if (empty_) return false;
  auto c = load<simdjson::dom::object::iterator>(raw_);
  if (c.at == c.end) return false;
  *key = c.at.key();
  *value = wrap(c.at.value());
  ++c.at;
  store(raw_, c);
  return true;
}

struct Parser::Impl {
  simdjson::dom::parser parser;
};

Parser::Parser() : impl_(std::make_unique<Impl>()) {}
Parser::~Parser() = default;

bool Parser::parse(std::string_view text, Value* root) {
  simdjson::dom::element e;
  if (impl_->parser.parse(text.data(), text.size()).get(e) != simdjson::SUCCESS) return false;
  *root = wrap(e);
  return true;
}

simdjson::dom::parser& SimdjsonAccess::parser(Parser& p) {
  return p.impl_->parser;
}

}  // namespace payledger::json
