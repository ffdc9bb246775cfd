#pragma once
// Products (Stripe's shape): what a merchant sells. A product counts its prices (each price
// creation appends product.price_added to the product's stream in the same atomic append), so
// "delete only while it has no prices" is decided on the product's own stream and cannot race a
// concurrent price creation. Pure: events, state, decide and evolve.
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/events.h"
#include "domain/expected.h"
#include "domain/fields.h"
#include "domain/types.h"
#include "resources/prices/id.h"
#include "resources/products/id.h"

namespace payledger::products {

using domain::Field;

// The fields a merchant sets, at creation and at each update.
struct Details {
  std::string name;
  std::string description;
  bool active = true;
  std::optional<bool> shippable;
  domain::Metadata metadata;
  bool operator==(const Details&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("name", s.name);
    v("description", s.description, Field::nullable);
    v("active", s.active);
    v("shippable", s.shippable);
    v("metadata", s.metadata);
  }
};

struct ProductCreated {
  static constexpr std::string_view kType = "product.created";
  static constexpr int kSchemaVersion = 1;
  static constexpr std::string_view kSummary = "a product exists";
  ProductId id;
  Details details;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("id", s.id);
    Details::fields(s.details, v);
  }
};

struct ProductUpdated {  // all the details after the update
  static constexpr std::string_view kType = "product.updated";
  static constexpr int kSchemaVersion = 1;
  static constexpr std::string_view kSummary = "the product's details changed; data is all of them";
  Details details;
  template <class S, class V>
  static void fields(S& s, V& v) {
    Details::fields(s.details, v);
  }
};

struct PriceAdded {
  static constexpr std::string_view kType = "product.price_added";
  static constexpr int kSchemaVersion = 1;
  static constexpr std::string_view kSummary =
      "a price of this product was created (with price.created, in one append)";
  prices::PriceId price;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("price", s.price);
  }
};

struct ProductDeleted {
  static constexpr std::string_view kType = "product.deleted";
  static constexpr int kSchemaVersion = 1;
  static constexpr std::string_view kSummary = "the product was deleted (a tombstone)";
  template <class S, class V>
  static void fields(S&, V&) {}
};

using Event = std::variant<ProductCreated, ProductUpdated, PriceAdded, ProductDeleted>;

struct Product {
  ProductId id;
  Details details;
  std::int64_t prices = 0;
  bool deleted = false;
  domain::UnixSeconds created;
  domain::UnixSeconds updated;
  bool operator==(const Product&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("id", s.id);
    v("details", s.details);
    v("prices", s.prices);
    v("deleted", s.deleted);
    v("created", s.created);
    v("updated", s.updated);
  }
};

enum class Rejection : std::uint8_t {
  product_exists,      // create: the id is taken (a generated id collided)
  product_missing,     // no such product, or deleted
  name_missing,        // a product needs a name
  product_has_prices,  // delete: prices still name it
};

struct DetailsUpdate {
  std::optional<std::string> name, description;
  std::optional<bool> active;
  std::optional<std::optional<bool>> shippable;
  domain::MetadataPatch metadata;
};

struct CreateProduct {
  ProductId id;
  Details details;
};
struct UpdateProduct {
  DetailsUpdate update;
};
struct AddPrice {
  prices::PriceId price;
};
struct DeleteProduct {};

using State = std::optional<Product>;
using Decision = Expected<std::vector<Event>, Rejection>;

Decision decide(const State& state, const CreateProduct& cmd);
Decision decide(const State& state, const UpdateProduct& cmd);
Decision decide(const State& state, const AddPrice& cmd);
Decision decide(const State& state, const DeleteProduct& cmd);

// REQUIRES: `event` is the stream's next.
State evolve(State state, const domain::RecordedOf<Event>& event);

}  // namespace payledger::products
