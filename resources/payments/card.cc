#include "resources/payments/card.h"

#include <algorithm>
#include <array>
#include <chrono>

namespace payledger::payments {
namespace {

// Stripe's test numbers, so that developers' habits carry over; the last two are payledger's.
constexpr std::array<TestCard, 15> kTestCards = {{
    {"4242424242424242", Behavior::approve, "", "US", "Visa: succeeds"},
    {"4111111111111111", Behavior::approve, "", "US", "Visa: succeeds"},
    {"5555555555554444", Behavior::approve, "", "US", "Mastercard: succeeds"},
    {"378282246310005", Behavior::approve, "", "US", "American Express: succeeds"},
    {"4000000000000002", Behavior::decline, "do_not_honor", "US", "declined: do_not_honor"},
    {"4000000000009995", Behavior::decline, "insufficient_funds", "US",
     "declined: insufficient_funds"},
    {"4000000000000069", Behavior::decline, "expired_card", "US", "declined: expired_card"},
    {"4000000000009987", Behavior::decline, "lost_card", "US", "declined: lost_card"},
    {"4000000000009979", Behavior::decline, "stolen_card", "US", "declined: stolen_card"},
    {"4000000000003220", Behavior::challenge, "", "US",
     "3-D Secure: succeeds once the challenge is completed"},
    {"4000002760003184", Behavior::challenge, "", "DE",
     "3-D Secure: succeeds once the challenge is completed"},
    {"4000008400001629", Behavior::challenge_always_fails, "", "US",
     "3-D Secure: fails even when completed (three_d_secure_failed)"},
    {"4000000000005126", Behavior::approve_refunds_fail, "", "US", "succeeds; its refunds fail"},
    {"4000000000003105", Behavior::challenge_not_supported, "", "US",
     "needs 3-D Secure, unsupported by the issuer: fails (three_d_secure_not_supported)"},
    {"4000000000003113", Behavior::challenge_error, "", "US",
     "3-D Secure cannot be performed: fails (three_d_secure_error)"},
}};

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The number formed by the first `digits` digits of `number`.
int prefix(std::string_view number, std::size_t digits) {
  int out = 0;
  for (std::size_t i = 0; i < digits && i < number.size(); ++i) out = out * 10 + (number[i] - '0');
  return out;
}

struct YearMonth {
  std::int64_t year;
  std::int64_t month;
};

YearMonth year_month_of(domain::UnixSeconds t) {
  using namespace std::chrono;
  const year_month_day ymd{floor<days>(sys_seconds{seconds{t.value}})};
  return {static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month())};
}

// Two-digit years are this century's, as card faces print them.
std::int64_t full_year(std::int64_t year) {
  return year >= 0 && year < 100 ? 2000 + year : year;
}

}  // namespace

RawCard::~RawCard() {
  // Volatile writes: the compiler may not drop them as stores to memory about to be freed.
  for (std::string* s : {&number, &cvc}) {
    volatile char* p = s->data();
    for (std::size_t i = 0; i < s->size(); ++i) p[i] = 0;
  }
}

bool luhn_valid(std::string_view number) {
  int sum = 0;
  bool twice = false;
  for (auto it = number.rbegin(); it != number.rend(); ++it) {
    int d = *it - '0';
    if (twice) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

std::string_view brand_of(std::string_view n) {
  const int p2 = prefix(n, 2);
  const int p3 = prefix(n, 3);
  const int p4 = prefix(n, 4);
  if (n.starts_with("4")) return "visa";
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return "mastercard";
  if (p2 == 34 || p2 == 37) return "amex";
  if (p4 == 6011 || p2 == 65 || (p3 >= 644 && p3 <= 649)) return "discover";
  if (p4 >= 3528 && p4 <= 3589) return "jcb";
  if ((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38 || p2 == 39) return "diners";
  if (p2 == 62) return "unionpay";
  return "unknown";
}

bool expired_in_year_of(const RawCard& card, domain::UnixSeconds now) {
  return card.exp_year && full_year(*card.exp_year) == year_month_of(now).year;
}

Expected<InspectedCard, CardRejection> inspect(const RawCard& card, domain::UnixSeconds now) {
  using R = CardRejection;
  if (card.number.empty()) return Unexpected{R::number_missing};
  if (!all_digits(card.number) || card.number.size() < 12 || card.number.size() > 19) {
    return Unexpected{R::number_malformed};
  }
  if (!luhn_valid(card.number)) return Unexpected{R::number_luhn};
  if (!card.exp_month || *card.exp_month < 1 || *card.exp_month > 12) {
    return Unexpected{R::exp_month_invalid};
  }
  const YearMonth today = year_month_of(now);
  const std::int64_t year = card.exp_year ? full_year(*card.exp_year) : 0;
  if (!card.exp_year || year < 2000 || year > today.year + 50) {
    return Unexpected{R::exp_year_invalid};
  }
  if (year < today.year || (year == today.year && *card.exp_month < today.month)) {
    return Unexpected{R::expired};
  }
  const std::string_view brand = brand_of(card.number);
  const std::size_t cvc_digits = brand == "amex" ? 4 : 3;
  if (!all_digits(card.cvc) || card.cvc.size() != cvc_digits) return Unexpected{R::cvc_invalid};

  InspectedCard out;
  out.facts.brand = std::string(brand);
  out.facts.last4 = card.number.substr(card.number.size() - 4);
  out.facts.exp_month = *card.exp_month;
  out.facts.exp_year = year;
  out.facts.holder_name = card.holder_name;
  const auto* test = std::find_if(kTestCards.begin(), kTestCards.end(),
                                  [&](const TestCard& t) { return t.number == card.number; });
  // Any other number that passes the Luhn check is a card the test network approves.
  if (test != kTestCards.end()) {
    out.facts.country = std::string(test->country);
    out.profile = {test->behavior, std::string(test->decline_code)};
  }
  return out;
}

std::span<const TestCard> test_cards() {
  return kTestCards;
}

}  // namespace payledger::payments
