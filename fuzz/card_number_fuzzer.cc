// libFuzzer target: card data as a Direct API payment hands it to payments::inspect (number,
// expiry, CVC), with the Luhn check and the brand on their own. Whatever the input, inspect
// either refuses it or keeps no more than brand, last4 and expiry.
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/assert.h"
#include "resources/payments/card.h"

namespace {

// As api::Params::integer reads a form value: decimal digits, else absent.
std::optional<std::int64_t> as_integer(const std::string& text) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  // number \n cvc \n exp_month \n exp_year
  payledger::payments::RawCard card;
  std::size_t field = 0;
  std::string current;
  auto take = [&] {
    switch (field++) {
      case 0:
        card.number = current;
        break;
      case 1:
        card.cvc = current;
        break;
      case 2:
        card.exp_month = as_integer(current);
        break;
      case 3:
        card.exp_year = as_integer(current);
        break;
      default:
        break;
    }
    current.clear();
  };
  for (const char c : in) {
    if (c == '\n')
      take();
    else
      current.push_back(c);
  }
  take();
  (void)payledger::payments::luhn_valid(card.number);
  (void)payledger::payments::brand_of(card.number);
  const payledger::domain::UnixSeconds now{1'742'025'600};
  auto inspected = payledger::payments::inspect(card, now);
  if (inspected) {
    const auto& facts = inspected->facts;
    PL_ASSERT(facts.last4.size() == 4, "last4 is four digits");
    PL_ASSERT(card.number.size() >= 12 && card.number.ends_with(facts.last4),
              "last4 comes from the number");
  } else {
    (void)payledger::payments::expired_in_year_of(card, now);
  }
  return 0;
}
