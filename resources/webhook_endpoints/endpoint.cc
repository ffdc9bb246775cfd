#include "resources/webhook_endpoints/endpoint.h"

#include <algorithm>

#include "contract/aggregate.h"
#include "domain/assert.h"
#include "domain/overloaded.h"

namespace payledger::webhook_endpoints {
namespace {

namespace d = domain;

std::optional<Rejection> check_events(const std::vector<std::string>& events) {
  if (events.empty()) return Rejection::events_missing;
  if (events.size() > kMaxEnabledEvents) return Rejection::events_too_many;
  if (!std::all_of(events.begin(), events.end(),
                   [](const auto& e) { return contract::valid_event_type_pattern(e); })) {
    return Rejection::event_pattern_invalid;
  }
  return std::nullopt;
}

}  // namespace

std::string_view name(Rejection r) {
  switch (r) {
    case Rejection::endpoint_exists:
      return "endpoint_exists";
    case Rejection::endpoint_missing:
      return "endpoint_missing";
    case Rejection::events_missing:
      return "events_missing";
    case Rejection::events_too_many:
      return "events_too_many";
    case Rejection::event_pattern_invalid:
      return "event_pattern_invalid";
  }
  PL_ASSERT(false, "every rejection has a name");
}

Decision decide(const State& state, const CreateEndpoint& cmd) {
  if (state) return Unexpected{Rejection::endpoint_exists};
  if (auto r = check_events(cmd.settings.enabled_events)) return Unexpected{*r};
  PL_ASSERT(!cmd.secret_sealed.empty(), "an endpoint is made with its sealed secret");
  return std::vector<Event>{EndpointCreated{cmd.id, cmd.settings, cmd.secret_sealed}};
}

Decision decide(const State& state, const UpdateEndpoint& cmd) {
  if (!state || state->deleted) return Unexpected{Rejection::endpoint_missing};
  Settings next = state->settings;
  if (cmd.url) next.url = *cmd.url;
  if (cmd.enabled_events) next.enabled_events = *cmd.enabled_events;
  if (cmd.description) next.description = *cmd.description;
  if (cmd.disabled) next.disabled = *cmd.disabled;
  d::apply_patch(next.metadata, cmd.metadata);
  if (auto r = check_events(next.enabled_events)) return Unexpected{*r};
  return std::vector<Event>{EndpointUpdated{std::move(next)}};
}

Decision decide(const State& state, const DeleteEndpoint&) {
  if (!state || state->deleted) return Unexpected{Rejection::endpoint_missing};
  return std::vector<Event>{EndpointDeleted{}};
}

State evolve(State state, const d::RecordedOf<Event>& event) {
  std::visit(
      Overloaded{
          [&](const EndpointCreated& e) {
            PL_ASSERT(!state, "an endpoint is created once");
            state = Endpoint{e.id, e.settings, e.secret_sealed, false, event.meta.occurred_at};
          },
          [&](const EndpointUpdated& e) {
            PL_ASSERT(state && !state->deleted, "only a live endpoint changes");
            state->settings = e.settings;
          },
          [&](const EndpointDeleted&) {
            PL_ASSERT(state && !state->deleted, "an endpoint is deleted once");
            state->deleted = true;
          },
      },
      event.body);
  return state;
}

}  // namespace payledger::webhook_endpoints
