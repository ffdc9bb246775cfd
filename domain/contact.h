#pragma once
// Checks of contact data that several resources take (customers, payments' customer). Pure.
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

namespace payledger::domain {

// Loose on purpose, as card networks' APIs are: one '@' with text on both sides, no whitespace.
inline bool plausible_email(std::string_view email) {
  const auto at = email.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < email.size() &&
         email.find('@', at + 1) == std::string_view::npos &&
         std::none_of(email.begin(), email.end(),
                      [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; });
}

// An ISO 3166-1 alpha-2 code as the API keeps it (upper case), or "" for none.
inline bool valid_country(std::string_view country) {
  return country.empty() ||
         (country.size() == 2 &&
          std::all_of(country.begin(), country.end(), [](char c) { return c >= 'A' && c <= 'Z'; }));
}

// `code` in upper case: country codes are taken in either case and kept upper case, as Stripe
// shows them (and a currency's code is shown so on pages).
inline std::string upper_code(std::string code) {
  for (char& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return code;
}

}  // namespace payledger::domain
