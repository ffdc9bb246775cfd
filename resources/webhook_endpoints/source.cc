#include "resources/webhook_endpoints/source.h"

#include "contract/aggregate_of.h"
#include "resources/webhook_endpoints/module.h"

namespace payledger::webhook_endpoints {
namespace {

class Source final : public webhooks::EndpointSource {
 public:
  const contract::Aggregate& aggregate() const override { return webhook_endpoints::aggregate(); }

  std::optional<webhooks::EndpointFields> fields(const contract::State& state) const override {
    const Endpoint* e = contract::AggregateOf<Module>::typed(state);
    if (e == nullptr) return std::nullopt;
    return webhooks::EndpointFields{e->settings.url, e->settings.enabled_events,
                                    e->settings.disabled, e->deleted, e->secret_sealed};
  }

  std::string_view secret_use() const override { return kSecretUse; }
};

}  // namespace

const webhooks::EndpointSource& endpoint_source() {
  static const Source source;
  return source;
}

}  // namespace payledger::webhook_endpoints
