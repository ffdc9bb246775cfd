#pragma once
// The TaxRate resource: one stream per tax rate (txr_...). Rules in tax_rate.h.
#include <optional>
#include <vector>

#include "api/routes.h"
#include "contract/aggregate.h"
#include "resources/tax_rates/tax_rate.h"

namespace payledger::tax_rates {

struct Module {
  using State = TaxRate;
  using Event = tax_rates::Event;
  static constexpr std::string_view kName = "tax_rate";
  static constexpr std::string_view kStreamPrefix = "txr_";
  static constexpr std::string_view kTopic = "tax_rates";

  static std::optional<TaxRate> evolve(std::optional<TaxRate> s,
                                       const domain::RecordedOf<Event>& e) {
    return tax_rates::evolve(std::move(s), e);
  }
  static bool exists(const TaxRate&) { return true; }
  static std::vector<contract::ObjectSpec> objects() {
    return {{"tax_rate",
             "txr_",
             "/v1/tax_rates",
             {{"active", contract::FilterKind::boolean},
              {"inclusive", contract::FilterKind::boolean}}}};
  }
  static void documents(const TaxRate& t, std::vector<contract::Document>* out);
  // tax_rate.created, tax_rate.updated (Stripe's).
  static constexpr bool kAnnouncesUpdates = true;
  static void announce(const domain::RecordedOf<Event>& e, const TaxRate& t,
                       std::vector<contract::Announcement>* out);
  static void routes(api::Routes& routes);
};

const contract::Aggregate& aggregate();

// The API object (Stripe's tax_rate).
std::string render(const TaxRate& t);

}  // namespace payledger::tax_rates
