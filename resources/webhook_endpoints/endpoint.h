#pragma once
// Webhook endpoints (Stripe's shape): where a merchant wants its events delivered, and which.
// The signing secret is kept only sealed (api::Secrets::seal, a key outside the log): the log,
// its topic and the views never hold it in clear. Pure: events, state, decide and evolve.
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/events.h"
#include "domain/expected.h"
#include "domain/fields.h"
#include "domain/types.h"

namespace payledger::webhook_endpoints {

using domain::Field;

struct EndpointIdTag {};
using EndpointId = domain::Strong<EndpointIdTag, std::string>;  // we_...

inline constexpr std::size_t kMaxEnabledEvents = 100;

// What a merchant sets, at creation and at each update.
struct Settings {
  std::string url;
  std::vector<std::string> enabled_events;  // event types, "payment_intent.*", or "*"
  std::string description;
  domain::Metadata metadata;
  bool disabled = false;
  bool operator==(const Settings&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("url", s.url);
    v("enabled_events", s.enabled_events);
    v("description", s.description, Field::nullable);
    v("metadata", s.metadata);
    v("disabled", s.disabled);
  }
};

struct EndpointCreated {
  static constexpr std::string_view kType = "webhook_endpoint.created";
  static constexpr int kSchemaVersion = 1;
  static constexpr std::string_view kSummary =
      "a webhook endpoint exists; its signing secret only sealed with the server's key";
  EndpointId id;
  Settings settings;
  std::string secret_sealed;  // hex of AES-256-GCM nonce, ciphertext, tag
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("id", s.id);
    Settings::fields(s.settings, v);
    v("secret_sealed", s.secret_sealed);
  }
};

struct EndpointUpdated {  // every setting after the update
  static constexpr std::string_view kType = "webhook_endpoint.updated";
  static constexpr int kSchemaVersion = 1;
  static constexpr std::string_view kSummary =
      "a webhook endpoint's url, events, description, metadata or disabled flag changed";
  Settings settings;
  template <class S, class V>
  static void fields(S& s, V& v) {
    Settings::fields(s.settings, v);
  }
};

struct EndpointDeleted {
  static constexpr std::string_view kType = "webhook_endpoint.deleted";
  static constexpr int kSchemaVersion = 1;
  static constexpr std::string_view kSummary =
      "a webhook endpoint was deleted; nothing more goes to it";
  template <class S, class V>
  static void fields(S&, V&) {}
};

using Event = std::variant<EndpointCreated, EndpointUpdated, EndpointDeleted>;

struct Endpoint {
  EndpointId id;
  Settings settings;
  std::string secret_sealed;
  bool deleted = false;
  domain::UnixSeconds created;
  bool operator==(const Endpoint&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("id", s.id);
    v("settings", s.settings);
    v("secret_sealed", s.secret_sealed);
    v("deleted", s.deleted);
    v("created", s.created);
  }
};

// Ordered by precedence.
enum class Rejection : std::uint8_t {
  endpoint_exists,        // create: the id is taken (a generated id collided)
  endpoint_missing,       // update, delete: no such endpoint, or deleted
  events_missing,         // no enabled event
  events_too_many,        // more than 100
  event_pattern_invalid,  // not "*", a type, or a prefix with ".*"
};
std::string_view name(Rejection r);

struct CreateEndpoint {
  EndpointId id;
  Settings settings;
  std::string secret_sealed;
};
struct UpdateEndpoint {
  std::optional<std::string> url;
  std::optional<std::vector<std::string>> enabled_events;
  std::optional<std::string> description;
  domain::MetadataPatch metadata;
  std::optional<bool> disabled;
};
struct DeleteEndpoint {};

using State = std::optional<Endpoint>;
using Decision = Expected<std::vector<Event>, Rejection>;

Decision decide(const State& state, const CreateEndpoint& cmd);
Decision decide(const State& state, const UpdateEndpoint& cmd);
Decision decide(const State& state, const DeleteEndpoint& cmd);

// REQUIRES: `event` is the stream's next.
State evolve(State state, const domain::RecordedOf<Event>& event);

}  // namespace payledger::webhook_endpoints
