#pragma once
// Money as int64 minor units with an ISO 4217 currency. A single amount is bounded by
// kMaxAmountMinor, and every sum the domain forms (captured, refunded) is bounded by the
// intent's amount, so no arithmetic here can overflow int64.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace payledger::domain {

inline constexpr std::int64_t kMinAmountMinor = 1;
inline constexpr std::int64_t kMaxAmountMinor = 99'999'999;

// A non-negative count of minor units (cents for usd, yen for jpy).
class Amount {
 public:
  constexpr Amount() = default;
  // REQUIRES: 0 <= minor <= kMaxAmountMinor.
  static Amount of_minor(std::int64_t minor);
  // True when `minor` is a valid amount for a charge or a refund: 1..kMaxAmountMinor.
  static constexpr bool chargeable(std::int64_t minor) {
    return minor >= kMinAmountMinor && minor <= kMaxAmountMinor;
  }
  constexpr std::int64_t minor() const { return minor_; }
  // REQUIRES: the sum stays <= kMaxAmountMinor.
  Amount plus(Amount other) const;
  // REQUIRES: other <= *this.
  Amount minus(Amount other) const;
  auto operator<=>(const Amount&) const = default;

 private:
  std::int64_t minor_ = 0;
};

// A lowercase ISO 4217 code that payledger accepts.
class Currency {
 public:
  constexpr Currency() = default;
  // Returns the currency for a lowercase code, or nullopt when the code is not supported.
  static std::optional<Currency> parse(std::string_view code);
  std::string_view code() const { return {code_.data(), code_.size()}; }
  // Digits after the decimal point of the major unit: 0 for jpy, 2 for usd, 3 for kwd.
  int minor_unit_digits() const;
  auto operator<=>(const Currency&) const = default;

 private:
  std::array<char, 3> code_{'u', 's', 'd'};
};

struct Money {
  Amount amount;
  Currency currency;
  auto operator<=>(const Money&) const = default;
};

}  // namespace payledger::domain
