// Customers against a real server: Stripe's shape, updates, deletes, lists by email with
// cursors, bad input, and isolation between merchants.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/support/lists.h"
#include "tests/support/test_server.h"

using namespace payledger;
using namespace payledger::testing;

TEST_CASE("customers: create (form brackets), retrieve, update, list by email, delete") {
  Server s;
  Reply c = s.form("/v1/customers",
                   "email=jenny%40example.com&name=Jenny+Rosen&phone=%2B15555550100"
                   "&address[line1]=1+Main+St&address[city]=Springfield&address[country]=us"
                   "&shipping[name]=Jenny&shipping[address][line1]=2+Side+St"
                   "&shipping[address][country]=US&metadata[tier]=gold&metadata[old]=x");
  REQUIRE(c.status == 200);
  const std::string id = c.body["id"];
  CHECK(id.starts_with("cus_"));
  CHECK(c.body["object"] == "customer");
  CHECK(c.body["address"]["country"] == "US");  // normalized
  CHECK(c.body["address"]["line2"].is_null());
  CHECK(c.body["shipping"]["address"]["line1"] == "2 Side St");
  CHECK(c.body["balance"] == 0);
  CHECK(c.body["livemode"] == false);
  CHECK(s.get("/v1/customers/" + id).raw == c.raw);  // the answer is the view

  // Update: email changes, one metadata key unset, another kept; address cleared.
  Reply u =
      s.post("/v1/customers/" + id,
             {{"email", "j.rosen@example.com"}, {"metadata", {{"old", ""}}}, {"address", ""}});
  REQUIRE(u.status == 200);
  CHECK(u.body["email"] == "j.rosen@example.com");
  CHECK(u.body["metadata"] == Json{{"tier", "gold"}});
  CHECK(u.body["address"].is_null());
  CHECK(u.body["name"] == "Jenny Rosen");  // untouched
  CHECK(ids_of(s.get("/v1/customers?email=j.rosen%40example.com")) == std::vector<std::string>{id});
  CHECK(ids_of(s.get("/v1/customers?email=jenny%40example.com")).empty());

  Reply gone = s.del("/v1/customers/" + id);
  REQUIRE(gone.status == 200);
  CHECK(gone.body == Json{{"id", id}, {"object", "customer"}, {"deleted", true}});
  CHECK(s.get("/v1/customers/" + id).body == gone.body);  // retrieve answers the tombstone
  CHECK(ids_of(s.get("/v1/customers")).empty());          // lists skip it
  CHECK(ids_of(s.get("/v1/customers?email=j.rosen%40example.com")).empty());
  check_error(s.post("/v1/customers/" + id, {{"name", "x"}}), 404, "id");
  check_error(s.del("/v1/customers/" + id), 404, "id");
}

TEST_CASE("customers: bad input names the parameter and writes nothing") {
  Server s;
  const auto before = s.app().store().last_position();
  check_error(s.post("/v1/customers", {{"email", "nope"}}), 400, "email");
  check_error(s.form("/v1/customers", "address[country]=USA"), 400, "address[country]");
  check_error(s.form("/v1/customers", "address[planet]=Mars"), 400, "address[planet]");
  check_error(s.form("/v1/customers",
                     "shipping[name]=J&shipping[address][line1]=x"
                     "&shipping[address][country]=Narnia"),
              400, "shipping[address][country]");
  check_error(s.form("/v1/customers", "shipping[phone]=1"), 400, "shipping");
  check_error(s.post("/v1/customers", {{"name", std::string(257, 'a')}}), 400, "name");
  check_error(s.post("/v1/customers", {{"colour", "blue"}}), 400, "colour");
  CHECK(s.app().store().last_position() == before);
}

TEST_CASE("customers: another merchant's customer is not found; cursors page through") {
  Server s;
  std::vector<std::string> created;
  for (int i = 0; i < 7; ++i) {
    Reply r = s.post("/v1/customers", {{"email", "same@example.com"}, {"name", std::to_string(i)}});
    REQUIRE(r.status == 200);
    created.push_back(r.body["id"]);
  }
  const std::vector<std::string> newest_first(created.rbegin(), created.rend());
  Reply page1 = s.get("/v1/customers?email=same%40example.com&limit=4");
  CHECK(ids_of(page1) == std::vector<std::string>(newest_first.begin(), newest_first.begin() + 4));
  CHECK(page1.body["has_more"] == true);
  CHECK(page1.body["url"] == "/v1/customers");
  Reply page2 =
      s.get("/v1/customers?email=same%40example.com&limit=4&starting_after=" + newest_first[3]);
  CHECK(ids_of(page2) == std::vector<std::string>(newest_first.begin() + 4, newest_first.end()));
  CHECK(page2.body["has_more"] == false);
  check_error(s.get("/v1/customers/" + created[0], kKeyB), 404, "id");
  CHECK(ids_of(s.get("/v1/customers", kKeyB)).empty());
  check_error(s.del("/v1/customers/" + created[0], kKeyB), 404, "id");
}
