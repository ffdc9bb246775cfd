#pragma once
// What delivery needs of the resource that holds webhook endpoints. Delivery names no resource:
// that resource implements this interface (resources/webhook_endpoints/source.h) and the
// process's wiring (app/) hands it to Delivery.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "contract/aggregate.h"

namespace payledger::webhooks {

// An endpoint as its stream's state holds it.
struct EndpointFields {
  std::string url;
  std::vector<std::string> enabled_events;  // patterns: "*", "payment_intent.*", a type
  bool disabled = false;
  bool deleted = false;
  std::string secret_sealed;  // sealed for secret_use() (api::Secrets)
};

class EndpointSource {
 public:
  virtual ~EndpointSource() = default;
  // The aggregate whose streams are endpoints. Its objects().front() is the endpoint's API
  // object: its name is the retry route's parameter, and its path prefixes the attempts route.
  virtual const contract::Aggregate& aggregate() const = 0;
  // The endpoint a state of that aggregate holds; nullopt before the stream's first event.
  // REQUIRES: `state` was made by aggregate().
  virtual std::optional<EndpointFields> fields(const contract::State& state) const = 0;
  // What the secrets are sealed for (api::Secrets::open's use).
  virtual std::string_view secret_use() const = 0;
};

}  // namespace payledger::webhooks
