#pragma once
// Test clocks (Stripe's test helpers): a time a merchant sets and moves forward, which the
// customers made on it and everything of theirs (PaymentIntents, Checkout Sessions, Orders) live
// on instead of the system's. Pure: events, state, decide and evolve; no I/O, no JSON, no HTTP.
// Rejections are ordered by precedence.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "domain/events.h"
#include "domain/expected.h"
#include "domain/fields.h"
#include "domain/types.h"
#include "resources/test_clocks/id.h"

namespace payledger::test_clocks {

using domain::Field;
using domain::UnixSeconds;

// Stripe deletes a test clock 30 days after it was made; payledger shows when (deletes_after)
// and keeps it until the merchant deletes it.
inline constexpr std::int64_t kLifetimeSeconds = 30LL * 24 * 3600;
// The latest time a clock may show: the end of year 9999 (a date every client can print).
inline constexpr std::int64_t kMaxFrozenTime = 253402300799;

struct ClockCreated {
  static constexpr std::string_view kType = "test_helpers.test_clock.created";
  static constexpr int kSchemaVersion = 1;
  static constexpr std::string_view kSummary = "a test clock exists, stopped at frozen_time";
  TestClockId id;
  std::string name;
  UnixSeconds frozen_time;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("id", s.id);
    v("name", s.name, Field::nullable);
    v("frozen_time", s.frozen_time);
  }
};

struct ClockAdvancing {
  static constexpr std::string_view kType = "test_helpers.test_clock.advancing";
  static constexpr int kSchemaVersion = 1;
  static constexpr std::string_view kSummary =
      "the clock moves to target_frozen_time: the work due on it until then runs first";
  UnixSeconds target_frozen_time;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("target_frozen_time", s.target_frozen_time);
  }
};

struct ClockReady {
  static constexpr std::string_view kType = "test_helpers.test_clock.ready";
  static constexpr int kSchemaVersion = 1;
  static constexpr std::string_view kSummary =
      "the clock stands at frozen_time, the work due on it until then done";
  UnixSeconds frozen_time;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("frozen_time", s.frozen_time);
  }
};

struct ClockDeleted {
  static constexpr std::string_view kType = "test_helpers.test_clock.deleted";
  static constexpr int kSchemaVersion = 1;
  static constexpr std::string_view kSummary =
      "the clock was deleted; what lived on it decides on the system's time, its due work stops";
  template <class S, class V>
  static void fields(S&, V&) {}
};

using Event = std::variant<ClockCreated, ClockAdvancing, ClockReady, ClockDeleted>;

enum class ClockStatus : std::uint8_t { ready, advancing };

}  // namespace payledger::test_clocks

namespace payledger::domain {
template <>
struct EnumNames<test_clocks::ClockStatus> {
  using S = test_clocks::ClockStatus;
  static constexpr std::array<std::pair<std::string_view, S>, 2> kNames = {{
      {"ready", S::ready},
      {"advancing", S::advancing},
  }};
};
}  // namespace payledger::domain

namespace payledger::test_clocks {

struct TestClock {
  TestClockId id;
  std::string name;
  UnixSeconds frozen_time;
  ClockStatus status = ClockStatus::ready;
  std::optional<UnixSeconds> target_frozen_time;  // while advancing
  std::optional<UnixSeconds> advance_requested;   // system time of the advance, while advancing
  UnixSeconds created;                            // system time
  bool deleted = false;
  bool operator==(const TestClock&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("id", s.id);
    v("name", s.name, Field::nullable);
    v("frozen_time", s.frozen_time);
    v("status", s.status);
    v("target_frozen_time", s.target_frozen_time);
    v("advance_requested", s.advance_requested);
    v("created", s.created);
    v("deleted", s.deleted);
  }
};

enum class Rejection : std::uint8_t {
  clock_exists,           // create: the id is taken (a generated id collided)
  clock_missing,          // advance, ready or delete: no such clock, or deleted
  frozen_time_invalid,    // before 1970 or after 9999
  clock_advancing,        // advance: the clock has not finished its last advance
  frozen_time_not_after,  // advance: the new time is not after the clock's
  not_advancing,          // ready: no advance waits (the sweeper ran twice)
};
std::string_view name(Rejection r);

struct CreateClock {
  TestClockId id;
  std::string name;
  UnixSeconds frozen_time;
};
struct AdvanceClock {
  UnixSeconds frozen_time;
};
// The sweeper has run everything due on the clock until its target: it stands there now.
struct FinishAdvance {};
struct DeleteClock {};

using State = std::optional<TestClock>;
using Decision = Expected<std::vector<Event>, Rejection>;

Decision decide(const State& state, const CreateClock& cmd);
Decision decide(const State& state, const AdvanceClock& cmd);
Decision decide(const State& state, const FinishAdvance& cmd);
Decision decide(const State& state, const DeleteClock& cmd);

// REQUIRES: `event` is the stream's next.
State evolve(State state, const domain::RecordedOf<Event>& event);

// The time the streams on the clock live at: its target while it advances (the work due until
// then runs at that time), else its frozen time; nullopt once deleted.
std::optional<UnixSeconds> time_of(const TestClock& clock);
// When the clock's own due work (finishing an advance) waits: at once after the advance asked.
std::optional<UnixSeconds> due_at(const TestClock& clock);

}  // namespace payledger::test_clocks
