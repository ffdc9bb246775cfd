#pragma once
// Test helper for Stripe-shaped list replies: the ids of a list's `data`, in order.
#include <string>
#include <vector>

#include "tests/support/test_server.h"

namespace payledger::testing {

// The `id` of each object in the reply's `data` array, in the order the list gave them.
inline std::vector<std::string> ids_of(const Reply& r) {
  std::vector<std::string> out;
  for (const auto& o : r.body["data"]) out.push_back(o["id"]);
  return out;
}

}  // namespace payledger::testing
