#pragma once
// The Product resource: one stream per product (prod_...). Rules in product.h.
#include <optional>
#include <vector>

#include "api/routes.h"
#include "contract/aggregate.h"
#include "resources/products/product.h"

namespace payledger::products {

struct Module {
  using State = Product;
  using Event = products::Event;
  static constexpr std::string_view kName = "product";
  static constexpr std::string_view kStreamPrefix = "prod_";
  static constexpr std::string_view kTopic = "products";

  static std::optional<Product> evolve(std::optional<Product> s,
                                       const domain::RecordedOf<Event>& e) {
    return products::evolve(std::move(s), e);
  }
  static bool exists(const Product& p) { return !p.deleted; }
  static std::vector<contract::ObjectSpec> objects() {
    return {{"product", "prod_", "/v1/products", {{"active", contract::FilterKind::boolean}}}};
  }
  static void documents(const Product& p, std::vector<contract::Document>* out);
  // product.created, product.updated, product.deleted (a price added is the price's event).
  static constexpr bool kAnnouncesUpdates = true;
  static void announce(const domain::RecordedOf<Event>& e, const Product& p,
                       std::vector<contract::Announcement>* out);
  static void routes(api::Routes& routes);
};

const contract::Aggregate& aggregate();

// The API object (Stripe's product).
std::string render(const Product& p);

// How a product parameter's problem is told: `param` names what the client sent.
api::ApiError rejection_error(Rejection r, const std::string& id, const std::string& param);

}  // namespace payledger::products
