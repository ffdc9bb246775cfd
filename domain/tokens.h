#pragma once
// Comparing secrets a URL or a customer presents (challenge tokens, client secrets).
#include <string_view>

namespace payledger::domain {

// Whether `a` and `b` are the same non-empty secret, compared without early exit so that a
// guess learns nothing from the time it takes.
inline bool same_secret(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || a.empty()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

}  // namespace payledger::domain
