#pragma once
// A value or an error, for results that may fail without it being a bug (C++20 has no
// std::expected). Accessing the wrong side is a broken invariant and aborts.
#include <utility>
#include <variant>

#include "domain/assert.h"

namespace payledger {

template <class E>
struct Unexpected {
  E error;
};
template <class E>
Unexpected(E) -> Unexpected<E>;

template <class T, class E>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : v_(std::in_place_index<0>, std::move(value)) {}            // NOLINT: implicit
  Expected(Unexpected<E> u) : v_(std::in_place_index<1>, std::move(u.error)) {}  // NOLINT

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    PL_ASSERT(has_value(), "value() of an Expected holding an error");
    return std::get<0>(v_);
  }
  const T& value() const& {
    PL_ASSERT(has_value(), "value() of an Expected holding an error");
    return std::get<0>(v_);
  }
  T&& value() && {
    PL_ASSERT(has_value(), "value() of an Expected holding an error");
    return std::get<0>(std::move(v_));
  }
  const E& error() const {
    PL_ASSERT(!has_value(), "error() of an Expected holding a value");
    return std::get<1>(v_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, E> v_;
};

}  // namespace payledger
