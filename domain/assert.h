#pragma once
// Invariant assertions that stay on in release builds (TigerBeetle style): a broken invariant
// in a ledger must stop the process, never let it write a wrong balance.
//
// One exception: the code that folds a log it must judge rather than trust (`payledger verify`,
// `reconcile`, and the projectors, which quarantine such an event as they do one that does not
// decode) runs the same evolve code under a ThrowingAssertions, so that a forged event is
// reported at its position instead of stopping them. Never on the write path.
#include <cstdio>
#include <cstdlib>
#include <string>

namespace payledger {

// What a broken invariant throws while a ThrowingAssertions lives on the thread.
struct InvariantBroken {
  std::string what;
};

namespace detail {
inline thread_local int assertions_throw = 0;
}  // namespace detail

// While alive, PL_ASSERT on this thread throws InvariantBroken instead of aborting.
class ThrowingAssertions {
 public:
  ThrowingAssertions() { ++detail::assertions_throw; }
  ~ThrowingAssertions() { --detail::assertions_throw; }
  ThrowingAssertions(const ThrowingAssertions&) = delete;
  ThrowingAssertions& operator=(const ThrowingAssertions&) = delete;
};

[[noreturn]] inline void assertion_failed(const char* expr, const char* why, const char* file,
                                          int line) {
  if (detail::assertions_throw > 0) throw InvariantBroken{std::string(why) + " (" + expr + ")"};
  std::fprintf(stderr, "%s:%d: invariant broken: %s (%s)\n", file, line, expr, why);
  std::abort();
}

}  // namespace payledger

// REQUIRES: `why` is a string literal saying what the invariant protects.
#define PL_ASSERT(cond, why) \
  ((cond) ? static_cast<void>(0) : ::payledger::assertion_failed(#cond, why, __FILE__, __LINE__))
