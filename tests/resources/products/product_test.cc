// The product's decider table: pure, no RocksDB.
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>

#include "resources/prices/id.h"
#include "resources/products/product.h"
#include "tests/support/fold.h"

using namespace payledger;
using namespace payledger::testing;

TEST_CASE("products: a name is needed; a product with prices cannot be deleted") {
  using namespace products;
  CHECK(decide(std::nullopt, CreateProduct{products::ProductId{"prod_1"}, {}}).error() ==
        Rejection::name_missing);
  Details details;
  details.name = "T-shirt";
  auto created = decide(std::nullopt, CreateProduct{products::ProductId{"prod_1"}, details});
  REQUIRE(created.has_value());
  std::uint64_t version = 0;
  products::State state = fold(products::State{}, *created, version);
  DetailsUpdate rename;
  rename.name = "";
  CHECK(decide(state, UpdateProduct{rename}).error() == Rejection::name_missing);
  auto added = decide(state, AddPrice{prices::PriceId{"price_1"}});
  REQUIRE(added.has_value());
  state = fold(std::move(state), *added, version);
  CHECK(state->prices == 1);
  CHECK(decide(state, DeleteProduct{}).error() == Rejection::product_has_prices);
  CHECK(decide(std::nullopt, AddPrice{prices::PriceId{"price_2"}}).error() ==
        Rejection::product_missing);
  products::State bare = fold(products::State{}, *created, version = 0);
  auto deleted = decide(bare, DeleteProduct{});
  REQUIRE(deleted.has_value());
  bare = fold(std::move(bare), *deleted, version);
  CHECK(decide(bare, AddPrice{prices::PriceId{"price_3"}}).error() == Rejection::product_missing);
  CHECK(decide(bare, UpdateProduct{}).error() == Rejection::product_missing);
}
