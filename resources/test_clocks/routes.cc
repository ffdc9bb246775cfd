// The write routes of test clocks: create, advance, delete; and finishing an advance (due work).
#include "api/routes.h"
#include "api/command_service.h"
#include "contract/aggregate.h"
#include "resources/test_clocks/module.h"

namespace payledger::test_clocks {
namespace {

using api::Call;
using api::Outcome;
using api::Params;

constexpr std::string_view kObject = "test_helpers.test_clock";

api::ApiError rejection_error(Rejection r, const std::string& id) {
  switch (r) {
    case Rejection::clock_missing:
      return api::not_found(std::string(kObject), id);
    case Rejection::frozen_time_invalid:
      return api::invalid_param("frozen_time", "parameter_invalid_integer",
                                "frozen_time must be a Unix time between 0 and 253402300799.");
    case Rejection::clock_advancing:
      return api::invalid_param("", "test_clock_advancing",
                                "The test clock is advancing: wait until its status is ready.");
    case Rejection::frozen_time_not_after:
      return api::invalid_param("frozen_time", "parameter_invalid_integer",
                                "frozen_time must be after the test clock's frozen_time: a test "
                                "clock only moves forward.");
    case Rejection::not_advancing:
    case Rejection::clock_exists:
      break;
  }
  return api::id_collision();
}

template <class Decide>
Outcome run(Call& call, const std::string& id, bool fresh, Decide&& decide) {
  return api::decide_and_append<Module>(
      call, id, fresh, decide,
      [&](const std::vector<Event>&, const State& next) {
        return api::object_or_tombstone(kObject, id, next, render);
      },
      [&](Rejection r) { return rejection_error(r, id); });
}

Outcome create(Call& call) {
  Params& p = call.params;
  const std::int64_t frozen_time = p.required_integer("frozen_time");
  std::string clock_name = p.string("name", 300).value_or("");
  if (auto e = p.finish()) return api::error_outcome(*e);
  const std::string id = call.commands.new_id("clock");
  return run(call, id, true, [&](const State& s) {
    return decide(s, CreateClock{TestClockId{id}, clock_name, UnixSeconds{frozen_time}});
  });
}

Outcome advance(Call& call) {
  Params& p = call.params;
  const std::int64_t frozen_time = p.required_integer("frozen_time");
  if (auto e = p.finish()) return api::error_outcome(*e);
  return run(call, call.path[0], false,
             [&](const State& s) { return decide(s, AdvanceClock{UnixSeconds{frozen_time}}); });
}

Outcome remove(Call& call) {
  if (auto e = call.params.finish()) return api::error_outcome(*e);
  return run(call, call.path[0], false, [&](const State& s) { return decide(s, DeleteClock{}); });
}

}  // namespace

void Module::routes(api::Routes& routes) {
  const std::string object(kObject);
  const std::string path = "/v1/test_helpers/test_clocks";
  routes.add({"POST", path, path, object, "", create});
  routes.add({"POST", path + "/([^/]+)/advance", path + "/:id/advance", object, "clock_", advance});
  routes.add({"DELETE", path + "/([^/]+)", path + "/:id", object, "clock_", remove});
}

bool Module::run_due(api::CommandService& commands, const domain::MerchantId& merchant,
                     const std::string& stream_id) {
  const Outcome o = api::decide_and_append<Module>(
      commands, merchant, nullptr, stream_id, false,
      [](const test_clocks::State& s) { return decide(s, FinishAdvance{}); },
      [](const std::vector<Event>&, const test_clocks::State& next) {
        return Outcome{200, render(*next), {}};
      },
      [&](Rejection r) { return rejection_error(r, stream_id); });
  return o.position.value > 0;
}

}  // namespace payledger::test_clocks
