// The write routes of webhook endpoints: create (the secret shown once, recorded sealed under an
// Idempotency-Key), update, delete.
#include <simdjson.h>

#include "api/command_service.h"
#include "api/routes.h"
#include "api/urls.h"
#include "json/writer.h"
#include "resources/webhook_endpoints/module.h"

namespace payledger::webhook_endpoints {
namespace {

using api::Call;
using api::Outcome;
using api::Params;

api::ApiError rejection_error(Rejection r, const std::string& id) {
  switch (r) {
    case Rejection::endpoint_missing:
      return api::not_found("webhook_endpoint", id);
    case Rejection::events_missing:
      return api::invalid_param("enabled_events", "parameter_missing",
                                "enabled_events needs at least one event type, or \"*\".");
    case Rejection::events_too_many:
      return api::invalid_param("enabled_events", "parameter_invalid",
                                "enabled_events may hold at most 100 entries.");
    case Rejection::event_pattern_invalid:
      return api::invalid_param("enabled_events", "parameter_invalid",
                                "Each enabled event is \"*\", an event type such as "
                                "payment_intent.succeeded, or a prefix such as payment_intent.*.");
    case Rejection::endpoint_exists:
      break;
  }
  return api::id_collision();
}

std::optional<api::ApiError> url_error(const std::optional<std::string>& url) {
  if (!url || api::acceptable_redirect_url(*url, {true, false})) return std::nullopt;
  return api::invalid_param("url", "url_invalid",
                            "url must be an absolute http or https URL without a fragment.");
}

template <class Decide, class Answer>
Outcome run(Call& call, const std::string& id, bool fresh, Decide&& decide, Answer&& answer) {
  return api::decide_and_append<Module>(
      call, id, fresh, decide,
      [&](const std::vector<Event>&, const State& next) { return answer(next); },
      [&](Rejection r) { return rejection_error(r, id); });
}

Outcome create(Call& call) {
  Params& p = call.params;
  Settings s;
  s.url = p.required_string("url", 2048);
  s.enabled_events =
      p.strings("enabled_events", kMaxEnabledEvents + 1, 100).value_or(std::vector<std::string>{});
  s.description = p.string("description", 5000).value_or("");
  s.metadata = p.metadata("metadata");
  (void)p.string("api_version", 32);  // accepted; events render in the server's version
  if (auto e = p.finish()) return api::error_outcome(*e);
  if (auto e = url_error(s.url)) return api::error_outcome(*e);
  const std::string id = call.commands.new_id("we");
  const std::string secret = new_signing_secret(call.commands.ids());
  const std::string sealed = call.commands.seal(kSecretUse, secret);
  return run(
      call, id, true,
      [&](const State& st) {
        return decide(st, CreateEndpoint{EndpointId{id}, s, sealed});
      },
      [&](const State& next) {
        // Shown once; the Idempotency-Key record keeps it sealed (replay() below unseals it).
        Outcome o{200, render_with(*next, "secret", secret), {}};
        o.recorded_body = render_with(*next, "secret_sealed", sealed);
        return o;
      });
}

// A create's recorded answer, as its replay shows it: the secret unsealed again.
std::string replay_create(const std::string& recorded, api::CommandService& commands) {
  simdjson::dom::parser parser;
  simdjson::dom::object answer;
  std::string_view sealed;
  if (parser.parse(recorded).get(answer) != simdjson::SUCCESS ||
      answer["secret_sealed"].get(sealed) != simdjson::SUCCESS) {
    return recorded;
  }
  const auto secret = commands.unseal(kSecretUse, std::string(sealed));
  json::Writer w;
  w.begin_object();
  for (const auto field : answer) {
    if (field.key != "secret_sealed") {
      w.key(field.key);
      w.raw_value(simdjson::minify(field.value));
    } else if (secret) {  // where the create's own answer has it: last
      w.text("secret", *secret);
    } else {
      w.key("secret");
      w.null();
    }
  }
  w.end_object();
  return w.take();
}

Outcome update(Call& call) {
  Params& p = call.params;
  UpdateEndpoint u;
  u.url = p.string("url", 2048);
  u.enabled_events = p.strings("enabled_events", kMaxEnabledEvents + 1, 100);
  u.description = p.update_string("description", 5000);
  u.metadata = p.metadata_patch("metadata").value_or(domain::MetadataPatch{});
  u.disabled = p.boolean("disabled");
  if (auto e = p.finish()) return api::error_outcome(*e);
  if (auto e = url_error(u.url)) return api::error_outcome(*e);
  return run(
      call, call.path[0], false, [&](const State& s) { return decide(s, u); },
      [](const State& next) {
        return Outcome{200, render(*next), {}};
      });
}

Outcome remove(Call& call) {
  if (auto e = call.params.finish()) return api::error_outcome(*e);
  const std::string& id = call.path[0];
  return run(
      call, id, false, [&](const State& s) { return decide(s, DeleteEndpoint{}); },
      [&](const State&) {
        return Outcome{200, contract::tombstone("webhook_endpoint", id), {}};
      });
}

}  // namespace

void Module::routes(api::Routes& routes) {
  const std::string object = "webhook_endpoint";
  routes.add({"POST", "/v1/webhook_endpoints", "/v1/webhook_endpoints", object, "", create, "",
              replay_create});
  routes.add({"POST", R"(/v1/webhook_endpoints/([^/]+))", "/v1/webhook_endpoints/:id", object,
              "we_", update});
  routes.add({"DELETE", R"(/v1/webhook_endpoints/([^/]+))", "/v1/webhook_endpoints/:id", object,
              "we_", remove});
}

}  // namespace payledger::webhook_endpoints
