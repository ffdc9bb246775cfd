// The price's decider table: pure, no RocksDB.
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>

#include "domain/money.h"
#include "resources/prices/price.h"
#include "resources/products/id.h"
#include "tests/support/fold.h"

using namespace payledger;
using namespace payledger::testing;
namespace d = payledger::domain;

TEST_CASE("prices: currency and amount are checked; only active, nickname, metadata change") {
  using namespace prices;
  CreatePrice cmd{
      prices::PriceId{"price_1"}, products::ProductId{"prod_1"}, "xyz", 100, "", true, {}};
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
