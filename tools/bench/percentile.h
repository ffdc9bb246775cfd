#pragma once
// What the bench programs report of their latencies.
#include <algorithm>
#include <cstddef>
#include <vector>

namespace payledger::bench {

// The p-th percentile (0..100) of `v` (reordered in place); 0 when empty.
inline double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const auto k = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}

}  // namespace payledger::bench
