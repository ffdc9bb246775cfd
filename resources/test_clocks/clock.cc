#include "resources/test_clocks/clock.h"

#include "domain/assert.h"
#include "domain/overloaded.h"

namespace payledger::test_clocks {
namespace {

Unexpected<Rejection> reject(Rejection r) {
  return Unexpected<Rejection>{r};
}

bool valid_time(UnixSeconds t) {
  return t.value >= 0 && t.value <= kMaxFrozenTime;
}

}  // namespace

std::string_view name(Rejection r) {
  switch (r) {
    case Rejection::clock_exists:
      return "clock_exists";
    case Rejection::clock_missing:
      return "clock_missing";
    case Rejection::frozen_time_invalid:
      return "frozen_time_invalid";
    case Rejection::clock_advancing:
      return "clock_advancing";
    case Rejection::frozen_time_not_after:
      return "frozen_time_not_after";
    case Rejection::not_advancing:
      return "not_advancing";
  }
  PL_ASSERT(false, "every rejection has a name");
}

Decision decide(const State& state, const CreateClock& cmd) {
  if (state) return reject(Rejection::clock_exists);
  if (!valid_time(cmd.frozen_time)) return reject(Rejection::frozen_time_invalid);
  return std::vector<Event>{ClockCreated{cmd.id, cmd.name, cmd.frozen_time}};
}

Decision decide(const State& state, const AdvanceClock& cmd) {
  if (!state || state->deleted) return reject(Rejection::clock_missing);
  if (!valid_time(cmd.frozen_time)) return reject(Rejection::frozen_time_invalid);
  if (state->status == ClockStatus::advancing) return reject(Rejection::clock_advancing);
  // Forward only: what ran on the clock cannot be taken back.
  if (cmd.frozen_time <= state->frozen_time) return reject(Rejection::frozen_time_not_after);
  return std::vector<Event>{ClockAdvancing{cmd.frozen_time}};
}

Decision decide(const State& state, const FinishAdvance&) {
  if (!state || state->deleted) return reject(Rejection::clock_missing);
  if (state->status != ClockStatus::advancing) return reject(Rejection::not_advancing);
  PL_ASSERT(state->target_frozen_time.has_value(), "an advancing clock has a target");
  return std::vector<Event>{ClockReady{*state->target_frozen_time}};
}

Decision decide(const State& state, const DeleteClock&) {
  if (!state || state->deleted) return reject(Rejection::clock_missing);
  return std::vector<Event>{ClockDeleted{}};
}

State evolve(State state, const domain::RecordedOf<Event>& event) {
  std::visit(
      Overloaded{
          [&](const ClockCreated& e) {
            PL_ASSERT(!state.has_value(), "a clock is created once");
            state = TestClock{};
            state->id = e.id;
            state->name = e.name;
            state->frozen_time = e.frozen_time;
            state->created = event.meta.occurred_at;
          },
          [&](const ClockAdvancing& e) {
            PL_ASSERT(state && !state->deleted, "only a live clock advances");
            PL_ASSERT(state->status == ClockStatus::ready, "one advance at a time");
            PL_ASSERT(e.target_frozen_time > state->frozen_time, "a clock only moves forward");
            state->status = ClockStatus::advancing;
            state->target_frozen_time = e.target_frozen_time;
            state->advance_requested = event.meta.occurred_at;
          },
          [&](const ClockReady& e) {
            PL_ASSERT(state && state->status == ClockStatus::advancing, "ready after advancing");
            PL_ASSERT(state->target_frozen_time == e.frozen_time, "ready at the target");
            state->status = ClockStatus::ready;
            state->frozen_time = e.frozen_time;
            state->target_frozen_time.reset();
            state->advance_requested.reset();
          },
          [&](const ClockDeleted&) {
            PL_ASSERT(state && !state->deleted, "a clock is deleted once");
            state->deleted = true;
          },
      },
      event.body);
  return state;
}

std::optional<UnixSeconds> time_of(const TestClock& clock) {
  if (clock.deleted) return std::nullopt;
  return clock.target_frozen_time.value_or(clock.frozen_time);
}

std::optional<UnixSeconds> due_at(const TestClock& clock) {
  if (clock.deleted || clock.status != ClockStatus::advancing) return std::nullopt;
  return clock.advance_requested;
}

}  // namespace payledger::test_clocks
