#pragma once
// Raw card data at the edge of a payment, and the test-mode card network. Pure: no I/O.
//
// A card number and CVC exist only in a RawCard, in the memory of the request that carries
// them: inspect() turns one into CardFacts (brand, last4, expiry, country) and the network's
// profile of the card, and the number goes no further. The keyed fingerprint is made by the
// caller, which holds the key (api/secrets.h).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "domain/expected.h"
#include "domain/fields.h"
#include "domain/types.h"

namespace payledger::payments {

// Card data as a request sent it. This copy is wiped from memory when it goes out of scope (the
// request's own buffers are not: they are freed with the request).
struct RawCard {
  std::string number;
  std::optional<std::int64_t> exp_month;
  std::optional<std::int64_t> exp_year;
  std::string cvc;
  std::string holder_name;
  RawCard() = default;
  RawCard(const RawCard&) = delete;
  RawCard& operator=(const RawCard&) = delete;
  ~RawCard();
};

// What the test network does with a card (Stripe's test numbers; docs/api.md has the table).
enum class Behavior : std::uint8_t {
  approve,                  // succeeds at once
  decline,                  // fails with the profile's decline code
  challenge,                // 3-D Secure: succeeds once the customer completes the challenge
  challenge_always_fails,   // 3-D Secure: fails even when the customer completes it
  challenge_not_supported,  // needs 3-D Secure, which the issuer does not support: fails
  challenge_error,          // the 3-D Secure server fails: the payment fails
  approve_refunds_fail,     // succeeds; its refunds fail
};

}  // namespace payledger::payments

namespace payledger::domain {
template <>
struct EnumNames<payments::Behavior> {
  using B = payments::Behavior;
  static constexpr std::array<std::pair<std::string_view, B>, 7> kNames = {{
      {"approve", B::approve},
      {"decline", B::decline},
      {"challenge", B::challenge},
      {"challenge_always_fails", B::challenge_always_fails},
      {"challenge_not_supported", B::challenge_not_supported},
      {"challenge_error", B::challenge_error},
      {"approve_refunds_fail", B::approve_refunds_fail},
  }};
};
}  // namespace payledger::domain

namespace payledger::payments {

struct NetworkProfile {
  Behavior behavior = Behavior::approve;
  std::string decline_code;  // for Behavior::decline
  bool operator==(const NetworkProfile&) const = default;
  // Whether the customer must pass a challenge page (a return_url is then required).
  bool challenges() const {
    return behavior == Behavior::challenge || behavior == Behavior::challenge_always_fails;
  }
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("behavior", s.behavior);
    v("decline_code", s.decline_code, domain::Field::nullable);
  }
};

// The card as payledger keeps it: never the number or the CVC.
struct CardFacts {
  std::string brand;  // visa, mastercard, amex, discover, diners, jcb, unionpay, unknown
  std::string last4;
  std::int64_t exp_month = 0;
  std::int64_t exp_year = 0;
  std::string country;      // ISO 3166-1 alpha-2 of the issuer; "" when unknown
  std::string fingerprint;  // keyed HMAC of the number: the same card gives the same value
  std::string holder_name;
  bool operator==(const CardFacts&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("brand", s.brand);
    v("last4", s.last4);
    v("exp_month", s.exp_month);
    v("exp_year", s.exp_year);
    v("country", s.country, domain::Field::nullable);
    v("fingerprint", s.fingerprint);
    v("holder_name", s.holder_name, domain::Field::nullable);
  }
};

// Why card data is refused, in the order checked (the first that applies is told).
enum class CardRejection : std::uint8_t {
  number_missing,     // no card[number]
  number_malformed,   // not 12 to 19 digits
  number_luhn,        // fails the Luhn check: a mistyped number
  exp_month_invalid,  // missing or not 1..12
  exp_year_invalid,   // missing, or not a plausible year
  expired,            // the expiry month has passed (told on card[exp_year] or [exp_month])
  cvc_invalid,        // missing, or not 3 digits (4 for American Express)
};

struct InspectedCard {
  CardFacts facts;  // without the fingerprint
  NetworkProfile profile;
};

// Checks the card at `now` and derives what is kept. Returns the first rejection.
Expected<InspectedCard, CardRejection> inspect(const RawCard& card, domain::UnixSeconds now);
// Whether `number` (digits) passes the Luhn check.
bool luhn_valid(std::string_view number);
// The brand of a number by its leading digits.
std::string_view brand_of(std::string_view number);
// For an `expired` rejection: whether the year is the current one (then the month is at fault).
bool expired_in_year_of(const RawCard& card, domain::UnixSeconds now);

// One row of the test-card table (docs/api.md and the challenge page show it).
struct TestCard {
  std::string_view number;
  Behavior behavior;
  std::string_view decline_code;
  std::string_view country;
  std::string_view description;
};
std::span<const TestCard> test_cards();

}  // namespace payledger::payments
