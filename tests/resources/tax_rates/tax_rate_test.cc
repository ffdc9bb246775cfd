// The tax rate's decider table: pure, no RocksDB.
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>

#include "resources/tax_rates/tax_rate.h"
#include "tests/support/fold.h"

using namespace payledger;
using namespace payledger::testing;

TEST_CASE("tax rates: rejections in precedence order; the percentage is fixed at creation") {
  using namespace tax_rates;
  const TaxRateId id{"txr_1"};
  Details bad;
  bad.country = "Germany";
  bad.state = "TOOLONG";
  bad.tax_type = "poll_tax";
  // No display name comes first, then the percentage, then the details' own rules in order.
  CHECK(decide(std::nullopt, CreateTaxRate{id, kMaxPercentage + 1, false, bad}).error() ==
        Rejection::display_name_missing);
  bad.display_name = "VAT";
  CHECK(decide(std::nullopt, CreateTaxRate{id, kMaxPercentage + 1, false, bad}).error() ==
        Rejection::percentage_invalid);
  CHECK(decide(std::nullopt, CreateTaxRate{id, -1, false, bad}).error() ==
        Rejection::percentage_invalid);
  CHECK(decide(std::nullopt, CreateTaxRate{id, 190000, false, bad}).error() ==
        Rejection::country_invalid);
  bad.country = "DE";
  CHECK(decide(std::nullopt, CreateTaxRate{id, 190000, false, bad}).error() ==
        Rejection::state_invalid);
  bad.state = "BE";
  CHECK(decide(std::nullopt, CreateTaxRate{id, 190000, false, bad}).error() ==
        Rejection::tax_type_invalid);
  bad.tax_type = "vat";
  auto created = decide(std::nullopt, CreateTaxRate{id, 190000, true, bad});
  REQUIRE(created.has_value());
  std::uint64_t version = 0;
  tax_rates::State state = fold(tax_rates::State{}, *created, version);
  CHECK(state->percentage == 190000);
  CHECK(state->inclusive);
  CHECK(decide(state, CreateTaxRate{id, 0, false, bad}).error() == Rejection::tax_rate_exists);
  CHECK(decide(std::nullopt, UpdateTaxRate{}).error() == Rejection::tax_rate_missing);

  // An update changes the details only, checked again as a whole; the percentage stays.
  DetailsUpdate archive;
  archive.active = false;
  archive.description = "Standard rate";
  auto updated = decide(state, UpdateTaxRate{archive});
  REQUIRE(updated.has_value());
  state = fold(std::move(state), *updated, version);
  CHECK_FALSE(state->details.active);
  CHECK(state->details.description == "Standard rate");
  CHECK(state->percentage == 190000);
  DetailsUpdate unnamed;
  unnamed.display_name = "";
  CHECK(decide(state, UpdateTaxRate{unnamed}).error() == Rejection::display_name_missing);
  DetailsUpdate elsewhere;
  elsewhere.country = "XX1";
  CHECK(decide(state, UpdateTaxRate{elsewhere}).error() == Rejection::country_invalid);
}

TEST_CASE("tax rates: the percentage as Stripe renders it") {
  using tax_rates::percentage_text;
  CHECK(percentage_text(0) == "0");
  CHECK(percentage_text(70000) == "7");
  CHECK(percentage_text(195000) == "19.5");
  CHECK(percentage_text(825) == "0.0825");
  CHECK(percentage_text(1000000) == "100");
}
