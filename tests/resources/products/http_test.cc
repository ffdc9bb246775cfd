// Products against a real server: the name, updates moving filtered lists, delete only without
// prices, and cursors naming a deleted object or one outside the filter.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/support/lists.h"
#include "tests/support/test_server.h"

using namespace payledger;
using namespace payledger::testing;

TEST_CASE("products: name required, update moves lists, delete only without prices") {
  Server s;
  check_error(s.post("/v1/products", {{"description", "no name"}}), 400, "name");
  Reply p = s.post("/v1/products", {{"name", "T-shirt"}, {"shippable", true}});
  REQUIRE(p.status == 200);
  const std::string id = p.body["id"];
  CHECK(id.starts_with("prod_"));
  CHECK(p.body["active"] == true);
  CHECK(p.body["shippable"] == true);
  CHECK(p.body["images"] == Json::array());
  Reply other = s.post("/v1/products", {{"name", "Mug"}});
  REQUIRE(other.status == 200);
  CHECK(ids_of(s.get("/v1/products?active=true")).size() == 2);
  Reply off = s.form("/v1/products/" + id, "active=false&description=Soft+cotton");
  REQUIRE(off.status == 200);
  CHECK(off.body["active"] == false);
  CHECK(off.body["description"] == "Soft cotton");
  CHECK(ids_of(s.get("/v1/products?active=false")) == std::vector<std::string>{id});
  CHECK(ids_of(s.get("/v1/products?active=true")) ==
        std::vector<std::string>{other.body["id"].get<std::string>()});
  check_error(s.get("/v1/products?active=maybe"), 400, "active");

  Reply price = s.post("/v1/prices", {{"currency", "usd"}, {"unit_amount", 1500}, {"product", id}});
  REQUIRE(price.status == 200);
  check_error(s.del("/v1/products/" + id), 400, "id");
  Reply gone = s.del("/v1/products/" + other.body["id"].get<std::string>());
  REQUIRE(gone.status == 200);
  CHECK(gone.body["deleted"] == true);
  CHECK(ids_of(s.get("/v1/products")) == std::vector<std::string>{id});
}

TEST_CASE("a cursor naming a deleted object, or one outside the filter, still pages right") {
  Server s;
  std::vector<std::string> ids;  // oldest first
  for (int i = 0; i < 5; ++i) ids.push_back(s.post("/v1/products", {{"name", "P"}}).body["id"]);
  // ids[2] leaves the active list, ids[3] is deleted; both still serve as cursors.
  REQUIRE(s.post("/v1/products/" + ids[2], {{"active", false}}).status == 200);
  REQUIRE(s.del("/v1/products/" + ids[3]).status == 200);
  CHECK(ids_of(s.get("/v1/products?active=true&ending_before=" + ids[2])) ==
        std::vector<std::string>{ids[4]});
  CHECK(ids_of(s.get("/v1/products?active=true&starting_after=" + ids[2])) ==
        std::vector<std::string>{ids[1], ids[0]});
  CHECK(ids_of(s.get("/v1/products?ending_before=" + ids[3])) == std::vector<std::string>{ids[4]});
  CHECK(ids_of(s.get("/v1/products?starting_after=" + ids[3])) ==
        std::vector<std::string>{ids[2], ids[1], ids[0]});
}
