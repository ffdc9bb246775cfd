#pragma once
// Invariant assertions that stay on in release builds (TigerBeetle style): a broken invariant
// in a ledger must stop the process, never let it write a wrong balance.
#include <cstdio>
#include <cstdlib>

namespace payledger {
[[noreturn]] inline void assertion_failed(const char* expr, const char* why, const char* file,
                                          int line) {
  std::fprintf(stderr, "%s:%d: invariant broken: %s (%s)\n", file, line, expr, why);
  std::abort();
}
}  // namespace payledger

// REQUIRES: `why` is a string literal saying what the invariant protects.
#define PL_ASSERT(cond, why) \
  ((cond) ? static_cast<void>(0) : ::payledger::assertion_failed(#cond, why, __FILE__, __LINE__))
