// Tax rates against a real server: Stripe's shape, the decimal percentage from JSON and forms,
// updates that never touch the percentage, filtered lists, errors naming the parameter.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/support/lists.h"
#include "tests/support/test_server.h"

using namespace payledger;
using namespace payledger::testing;

TEST_CASE("tax rates: create (JSON and form), retrieve, update, list by active and inclusive") {
  Server s;
  Reply vat = s.post("/v1/tax_rates", {{"display_name", "VAT"},
                                       {"percentage", 19.5},
                                       {"inclusive", true},
                                       {"country", "de"},
                                       {"jurisdiction", "DE"},
                                       {"tax_type", "vat"},
                                       {"metadata", {{"ledger", "4711"}}}});
  REQUIRE(vat.status == 200);
  const std::string id = vat.body["id"];
  CHECK(id.starts_with("txr_"));
  CHECK(vat.body["object"] == "tax_rate");
  CHECK(vat.body["percentage"] == 19.5);
  CHECK(vat.body["inclusive"] == true);
  CHECK(vat.body["active"] == true);
  CHECK(vat.body["country"] == "DE");
  CHECK(vat.body["state"] == nullptr);
  CHECK(vat.body["description"] == nullptr);
  CHECK(vat.body["metadata"]["ledger"] == "4711");
  CHECK(vat.body["livemode"] == false);
  Reply sales = s.form("/v1/tax_rates",
                       "display_name=Sales+tax&percentage=8.87500&inclusive=false&country=US"
                       "&state=NY&tax_type=sales_tax");
  REQUIRE(sales.status == 200);
  CHECK(sales.body["percentage"] == 8.875);
  CHECK(sales.body["state"] == "NY");
  Reply got = s.get("/v1/tax_rates/" + id);
  REQUIRE(got.status == 200);
  CHECK(got.raw == vat.raw);

  // Archived, described; the percentage is not updatable.
  check_error(s.post("/v1/tax_rates/" + id, {{"percentage", 7}}), 400, "percentage");
  Reply off = s.form("/v1/tax_rates/" + id, "active=false&description=Standard+rate");
  REQUIRE(off.status == 200);
  CHECK(off.body["active"] == false);
  CHECK(off.body["description"] == "Standard rate");
  CHECK(off.body["percentage"] == 19.5);
  const std::string sales_id = sales.body["id"];
  CHECK(ids_of(s.get("/v1/tax_rates")) == std::vector<std::string>{sales_id, id});
  CHECK(ids_of(s.get("/v1/tax_rates?active=true")) == std::vector<std::string>{sales_id});
  CHECK(ids_of(s.get("/v1/tax_rates?inclusive=true")) == std::vector<std::string>{id});
  check_error(s.get("/v1/tax_rates/txr_nothere"), 404, "id");
}

TEST_CASE("tax rates: bad input names the parameter and writes nothing") {
  Server s;
  const Json ok{{"display_name", "VAT"}, {"percentage", 19}, {"inclusive", false}};
  auto without = [&](const char* name) {
    Json body = ok;
    body.erase(name);
    return body;
  };
  auto with = [&](const char* name, const Json& value) {
    Json body = ok;
    body[name] = value;
    return body;
  };
  check_error(s.post("/v1/tax_rates", without("display_name")), 400, "display_name");
  check_error(s.post("/v1/tax_rates", without("percentage")), 400, "percentage");
  check_error(s.post("/v1/tax_rates", without("inclusive")), 400, "inclusive");
  check_error(s.post("/v1/tax_rates", with("percentage", 100.5)), 400, "percentage");
  check_error(s.post("/v1/tax_rates", with("percentage", -1)), 400, "percentage");
  check_error(s.post("/v1/tax_rates", with("percentage", 7.12345)), 400, "percentage");
  check_error(s.post("/v1/tax_rates", with("percentage", "seven")), 400, "percentage");
  check_error(s.form("/v1/tax_rates", "display_name=VAT&inclusive=false&percentage=1e1"), 400,
              "percentage");
  check_error(s.post("/v1/tax_rates", with("country", "Germany")), 400, "country");
  check_error(s.post("/v1/tax_rates", with("tax_type", "poll_tax")), 400, "tax_type");
  check_error(s.post("/v1/tax_rates", with("colour", "red")), 400, "colour");
  CHECK(ids_of(s.get("/v1/tax_rates")).empty());
}
