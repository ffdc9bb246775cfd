#pragma once
// The Price resource: one stream per price (price_...). Creating a price appends to its
// product's stream too (product.price_added), in one atomic append.
#include <optional>
#include <vector>

#include "api/routes.h"
#include "contract/aggregate.h"
#include "resources/prices/price.h"

namespace payledger::prices {

struct Module {
  using State = Price;
  using Event = prices::Event;
  static constexpr std::string_view kName = "price";
  static constexpr std::string_view kStreamPrefix = "price_";
  static constexpr std::string_view kTopic = "prices";

  static std::optional<Price> evolve(std::optional<Price> s, const domain::RecordedOf<Event>& e) {
    return prices::evolve(std::move(s), e);
  }
  static bool exists(const Price&) { return true; }
  static std::vector<contract::ObjectSpec> objects() {
    using contract::FilterKind;
    return {{"price",
             "price_",
             "/v1/prices",
             {{"product", FilterKind::text},
              {"active", FilterKind::boolean},
              {"currency", FilterKind::text}}}};
  }
  static void documents(const Price& p, std::vector<contract::Document>* out);
  // price.created, price.updated.
  static constexpr bool kAnnouncesUpdates = true;
  static void announce(const domain::RecordedOf<Event>& e, const Price& p,
                       std::vector<contract::Announcement>* out);
  static void routes(api::Routes& routes);
};

const contract::Aggregate& aggregate();

// The API object (Stripe's price, type one_time).
std::string render(const Price& p);

}  // namespace payledger::prices
