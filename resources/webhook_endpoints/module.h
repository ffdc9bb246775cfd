#pragma once
// The WebhookEndpoint resource: one stream per endpoint (we_...). Rules in endpoint.h; this
// module renders it (never its secret, but in the create's answer), lists it and routes it.
#include <optional>
#include <vector>

#include "api/ids.h"
#include "api/routes.h"
#include "contract/aggregate.h"
#include "resources/webhook_endpoints/endpoint.h"

namespace payledger::webhook_endpoints {

struct Module {
  using State = Endpoint;
  using Event = webhook_endpoints::Event;
  static constexpr std::string_view kName = "webhook_endpoint";
  static constexpr std::string_view kStreamPrefix = "we_";
  static constexpr std::string_view kTopic = "webhook_endpoints";

  static std::optional<Endpoint> evolve(std::optional<Endpoint> s,
                                        const domain::RecordedOf<Event>& e) {
    return webhook_endpoints::evolve(std::move(s), e);
  }
  static bool exists(const Endpoint& e) { return !e.deleted; }
  static std::vector<contract::ObjectSpec> objects() {
    return {{"webhook_endpoint", "we_", "/v1/webhook_endpoints", {}}};
  }
  static void documents(const Endpoint& e, std::vector<contract::Document>* out);
  static void routes(api::Routes& routes);
};

const contract::Aggregate& aggregate();

// The webhook_endpoint object (Stripe's), without its secret.
std::string render(const Endpoint& e);
// The same with one more field: `key` ("secret" or "secret_sealed") holding `value`.
std::string render_with(const Endpoint& e, std::string_view key, const std::string& value);

// A new signing secret: whsec_ and 32 random base62 characters, as Stripe's secrets look (the
// endpoints' own, and the one `payledger listen` signs with).
std::string new_signing_secret(api::IdGenerator& ids);

// What a signing secret is sealed for (api::Secrets::seal's domain).
inline constexpr std::string_view kSecretUse = "webhook_secret";

}  // namespace payledger::webhook_endpoints
