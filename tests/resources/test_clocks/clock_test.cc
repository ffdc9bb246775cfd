// The test clock's decider table: pure, no RocksDB.
#include <doctest/doctest.h>

#include "resources/test_clocks/clock.h"

using namespace payledger;
using namespace payledger::test_clocks;
namespace d = payledger::domain;

namespace {

State fold(State state, const Decision& decision, std::uint64_t& version, std::int64_t at = 1000) {
  REQUIRE(decision.has_value());
  for (const auto& e : *decision) {
    const d::EventMeta meta{d::EventId{"evt"}, "clock_1", d::StreamVersion{++version},
                            d::MerchantId{"m"}, d::UnixSeconds{at}};
    state = evolve(std::move(state), d::RecordedOf<Event>{meta, e});
  }
  return state;
}

}  // namespace

TEST_CASE("test clocks: rejections in precedence order; forward only; one advance at a time") {
  const test_clocks::TestClockId id{"clock_1"};
  CHECK(decide(std::nullopt, CreateClock{id, "", UnixSeconds{-1}}).error() ==
        Rejection::frozen_time_invalid);
  CHECK(decide(std::nullopt, CreateClock{id, "", UnixSeconds{kMaxFrozenTime + 1}}).error() ==
        Rejection::frozen_time_invalid);
  CHECK(decide(std::nullopt, AdvanceClock{UnixSeconds{5}}).error() == Rejection::clock_missing);
  CHECK(decide(std::nullopt, FinishAdvance{}).error() == Rejection::clock_missing);
  CHECK(decide(std::nullopt, DeleteClock{}).error() == Rejection::clock_missing);

  std::uint64_t version = 0;
  State clock =
      fold(std::nullopt, decide(std::nullopt, CreateClock{id, "n", UnixSeconds{500}}), version);
  REQUIRE(clock.has_value());
  CHECK(decide(clock, CreateClock{id, "", UnixSeconds{1}}).error() == Rejection::clock_exists);
  CHECK(clock->created.value == 1000);  // the system's time of the request
  CHECK(time_of(*clock) == UnixSeconds{500});
  CHECK_FALSE(due_at(*clock).has_value());
  CHECK(decide(clock, FinishAdvance{}).error() == Rejection::not_advancing);
  CHECK(decide(clock, AdvanceClock{UnixSeconds{500}}).error() == Rejection::frozen_time_not_after);
  CHECK(decide(clock, AdvanceClock{UnixSeconds{-3}}).error() == Rejection::frozen_time_invalid);

  clock = fold(clock, decide(clock, AdvanceClock{UnixSeconds{900}}), version, 1010);
  CHECK(clock->status == ClockStatus::advancing);
  CHECK(clock->frozen_time == UnixSeconds{500});  // shown until ready
  CHECK(time_of(*clock) == UnixSeconds{900});     // what lives on it runs at the target
  CHECK(due_at(*clock) == UnixSeconds{1010});     // at once, on the system's time
  // The state of the clock outranks the value: advancing wins over a time not after.
  CHECK(decide(clock, AdvanceClock{UnixSeconds{100}}).error() == Rejection::clock_advancing);

  clock = fold(clock, decide(clock, FinishAdvance{}), version);
  CHECK(clock->status == ClockStatus::ready);
  CHECK(clock->frozen_time == UnixSeconds{900});
  CHECK_FALSE(clock->target_frozen_time.has_value());
  CHECK_FALSE(due_at(*clock).has_value());

  clock = fold(clock, decide(clock, DeleteClock{}), version);
  CHECK(clock->deleted);
  CHECK_FALSE(time_of(*clock).has_value());
  CHECK(decide(clock, AdvanceClock{UnixSeconds{1000}}).error() == Rejection::clock_missing);
  CHECK(decide(clock, DeleteClock{}).error() == Rejection::clock_missing);
}
