// Decider tables of customers, products and prices: pure, no RocksDB.
#include <doctest/doctest.h>

#include "resources/customers/customer.h"
#include "resources/prices/price.h"
#include "resources/products/product.h"

using namespace payledger;
namespace d = payledger::domain;

namespace {

template <class Event, class State>
State fold(State state, const std::vector<Event>& events, std::uint64_t& version) {
  for (const auto& e : events) {
    const d::EventMeta meta{d::EventId{"evt"}, "s", d::StreamVersion{++version}, d::MerchantId{"m"},
                            d::UnixSeconds{100}};
    state = evolve(std::move(state), d::RecordedOf<Event>{meta, e});
  }
  return state;
}

}  // namespace

TEST_CASE(
    "customers: the profile's rules, in precedence order; update and delete need a live one") {
  using namespace customers;
  customers::Profile bad;
  bad.email = "not an email";
  bad.address = Address{"1 Main St", "", "Springfield", "12345", "", "usa"};
  CHECK(decide(std::nullopt, CreateCustomer{d::CustomerId{"cus_1"}, bad}).error() ==
        Rejection::email_invalid);
  bad.email = "jenny@example.com";
  CHECK(decide(std::nullopt, CreateCustomer{d::CustomerId{"cus_1"}, bad}).error() ==
        Rejection::country_invalid);
  bad.address->country = "US";
  bad.shipping = Shipping{"", "", Address{"1 Main St", "", "", "", "", "US"}};
  CHECK(decide(std::nullopt, CreateCustomer{d::CustomerId{"cus_1"}, bad}).error() ==
        Rejection::shipping_invalid);
  bad.shipping->name = "Jenny";
  auto created = decide(std::nullopt, CreateCustomer{d::CustomerId{"cus_1"}, bad});
  REQUIRE(created.has_value());
  std::uint64_t version = 0;
  customers::State state = fold(customers::State{}, *created, version);
  CHECK(decide(state, CreateCustomer{d::CustomerId{"cus_1"}, bad}).error() ==
        Rejection::customer_exists);

  ProfileUpdate u;
  u.email = "";                                            // unset
  u.metadata.entries = {{"a", "1"}, {"b", std::nullopt}};  // set a, unset b
  state->profile.metadata = {{"b", "x"}, {"c", "y"}};
  auto updated = decide(state, UpdateCustomer{u});
  REQUIRE(updated.has_value());
  const auto& after = std::get<CustomerUpdated>(updated->front()).profile;
  CHECK(after.email.empty());
  CHECK(after.metadata == d::Metadata{{"a", "1"}, {"c", "y"}});

  auto deleted = decide(state, DeleteCustomer{});
  REQUIRE(deleted.has_value());
  state = fold(std::move(state), *deleted, version);
  CHECK(state->deleted);
  CHECK(decide(state, DeleteCustomer{}).error() == Rejection::customer_missing);
  CHECK(decide(state, UpdateCustomer{}).error() == Rejection::customer_missing);
  CHECK(decide(std::nullopt, UpdateCustomer{}).error() == Rejection::customer_missing);
}

TEST_CASE("products: a name is needed; a product with prices cannot be deleted") {
  using namespace products;
  CHECK(decide(std::nullopt, CreateProduct{d::ProductId{"prod_1"}, {}}).error() ==
        Rejection::name_missing);
  Details details;
  details.name = "T-shirt";
  auto created = decide(std::nullopt, CreateProduct{d::ProductId{"prod_1"}, details});
  REQUIRE(created.has_value());
  std::uint64_t version = 0;
  products::State state = fold(products::State{}, *created, version);
  DetailsUpdate rename;
  rename.name = "";
  CHECK(decide(state, UpdateProduct{rename}).error() == Rejection::name_missing);
  auto added = decide(state, AddPrice{d::PriceId{"price_1"}});
  REQUIRE(added.has_value());
  state = fold(std::move(state), *added, version);
  CHECK(state->prices == 1);
  CHECK(decide(state, DeleteProduct{}).error() == Rejection::product_has_prices);
  CHECK(decide(std::nullopt, AddPrice{d::PriceId{"price_2"}}).error() ==
        Rejection::product_missing);
  products::State bare = fold(products::State{}, *created, version = 0);
  auto deleted = decide(bare, DeleteProduct{});
  REQUIRE(deleted.has_value());
  bare = fold(std::move(bare), *deleted, version);
  CHECK(decide(bare, AddPrice{d::PriceId{"price_3"}}).error() == Rejection::product_missing);
  CHECK(decide(bare, UpdateProduct{}).error() == Rejection::product_missing);
}

TEST_CASE("prices: currency and amount are checked; only active, nickname, metadata change") {
  using namespace prices;
  CreatePrice cmd{d::PriceId{"price_1"}, d::ProductId{"prod_1"}, "xyz", 100, "", true, {}};
  CHECK(decide(std::nullopt, cmd).error() == Rejection::currency_invalid);
  cmd.currency = "eur";
  cmd.unit_amount_minor = -1;
  CHECK(decide(std::nullopt, cmd).error() == Rejection::unit_amount_invalid);
  cmd.unit_amount_minor = d::kMaxAmountMinor + 1;
  CHECK(decide(std::nullopt, cmd).error() == Rejection::unit_amount_invalid);
  cmd.unit_amount_minor = 0;  // free is allowed
  auto created = decide(std::nullopt, cmd);
  REQUIRE(created.has_value());
  std::uint64_t version = 0;
  prices::State state = fold(prices::State{}, *created, version);
  CHECK(decide(state, cmd).error() == Rejection::price_exists);
  UpdatePrice u;
  u.active = false;
  u.nickname = "Launch";
  auto updated = decide(state, u);
  REQUIRE(updated.has_value());
  state = fold(std::move(state), *updated, version);
  CHECK_FALSE(state->active);
  CHECK(state->nickname == "Launch");
  CHECK(state->unit_amount.minor() == 0);
  CHECK(decide(std::nullopt, u).error() == Rejection::price_missing);
}
