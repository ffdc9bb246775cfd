// The customer's decider table: pure, no RocksDB.
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>

#include "resources/customers/customer.h"
#include "tests/support/fold.h"

using namespace payledger;
using namespace payledger::testing;
namespace d = payledger::domain;

TEST_CASE(
    "customers: the profile's rules, in precedence order; update and delete need a live one") {
  using namespace customers;
  customers::Profile bad;
  bad.email = "not an email";
  bad.address = Address{"1 Main St", "", "Springfield", "12345", "", "usa"};
  CHECK(decide(std::nullopt, CreateCustomer{customers::CustomerId{"cus_1"}, bad}).error() ==
        Rejection::email_invalid);
  bad.email = "jenny@example.com";
  CHECK(decide(std::nullopt, CreateCustomer{customers::CustomerId{"cus_1"}, bad}).error() ==
        Rejection::country_invalid);
  bad.address->country = "US";
  bad.shipping = Shipping{"", "", Address{"1 Main St", "", "", "", "", "US"}};
  CHECK(decide(std::nullopt, CreateCustomer{customers::CustomerId{"cus_1"}, bad}).error() ==
        Rejection::shipping_invalid);
  bad.shipping->name = "Jenny";
  auto created = decide(std::nullopt, CreateCustomer{customers::CustomerId{"cus_1"}, bad});
  REQUIRE(created.has_value());
  std::uint64_t version = 0;
  customers::State state = fold(customers::State{}, *created, version);
  CHECK(decide(state, CreateCustomer{customers::CustomerId{"cus_1"}, bad}).error() ==
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
