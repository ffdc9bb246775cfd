// Customers, products and prices against a real server: Stripe's shapes, updates, deletes,
// filtered lists with cursors, the atomic price + product append, and isolation.
#include <doctest/doctest.h>

#include "resources/products/module.h"
#include "tests/support/test_server.h"

using namespace payledger;
using namespace payledger::testing;

namespace {

std::vector<std::string> ids_of(const Reply& r) {
  std::vector<std::string> out;
  for (const auto& o : r.body["data"]) out.push_back(o["id"]);
  return out;
}

}  // namespace

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

TEST_CASE(
    "prices: the product must exist and be the merchant's; product_data makes one atomically") {
  Server s;
  Reply product = s.post("/v1/products", {{"name", "Poster"}});
  REQUIRE(product.status == 200);
  const std::string prod = product.body["id"];
  Reply price = s.form("/v1/prices", "currency=eur&unit_amount=2500&product=" + prod +
                                         "&nickname=Launch&metadata[sku]=P-1");
  REQUIRE(price.status == 200);
  CHECK(price.body["object"] == "price");
  CHECK(price.body["product"] == prod);
  CHECK(price.body["unit_amount"] == 2500);
  CHECK(price.body["unit_amount_decimal"] == "2500");
  CHECK(price.body["type"] == "one_time");
  CHECK(price.body["nickname"] == "Launch");

  const auto before = s.app().store().last_position();
  Reply missing =
      s.post("/v1/prices", {{"currency", "eur"}, {"unit_amount", 1}, {"product", "prod_nope"}});
  check_error(missing, 400, "product");
  CHECK(missing.body["error"]["code"] == "resource_missing");
  check_error(
      s.post("/v1/prices", {{"currency", "eur"}, {"unit_amount", 1}, {"product", prod}}, {}, kKeyB),
      400, "product");
  check_error(s.post("/v1/prices", {{"currency", "eur"}, {"unit_amount", 1}}), 400, "product");
  check_error(s.post("/v1/prices", {{"currency", "zzz"}, {"unit_amount", 1}, {"product", prod}}),
              400, "currency");
  check_error(s.post("/v1/prices", {{"currency", "eur"}, {"unit_amount", -5}, {"product", prod}}),
              400, "unit_amount");
  check_error(s.post("/v1/prices", {{"currency", "eur"},
                                    {"unit_amount", 5},
                                    {"product", prod},
                                    {"product_data", {{"name", "x"}}}}),
              400, "product_data");
  check_error(s.form("/v1/prices", "currency=eur&unit_amount=5&product_data[name]="), 400,
              "product_data[name]");
  CHECK(s.app().store().last_position() == before);  // nothing half-written

  Reply with_data = s.form("/v1/prices", "currency=usd&unit_amount=900&product_data[name]=Sticker");
  REQUIRE(with_data.status == 200);
  const std::string new_prod = with_data.body["product"];
  Reply made = s.get("/v1/products/" + new_prod);
  REQUIRE(made.status == 200);
  CHECK(made.body["name"] == "Sticker");
  check_error(s.del("/v1/products/" + new_prod), 400, "id");  // it has a price

  // Amounts are immutable; active, nickname and metadata change.
  const std::string pid = price.body["id"];
  check_error(s.post("/v1/prices/" + pid, {{"unit_amount", 1}}), 400, "unit_amount");
  Reply off = s.post("/v1/prices/" + pid, {{"active", false}, {"nickname", ""}});
  REQUIRE(off.status == 200);
  CHECK(off.body["active"] == false);
  CHECK(off.body["nickname"].is_null());
  CHECK(off.body["unit_amount"] == 2500);

  // Filters combine, and each is indexed.
  CHECK(ids_of(s.get("/v1/prices?product=" + prod)) == std::vector<std::string>{pid});
  CHECK(ids_of(s.get("/v1/prices?product=" + prod + "&active=true")).empty());
  CHECK(ids_of(s.get("/v1/prices?active=false&currency=eur")) == std::vector<std::string>{pid});
  CHECK(ids_of(s.get("/v1/prices?currency=usd")) ==
        std::vector<std::string>{with_data.body["id"].get<std::string>()});
  check_error(s.get("/v1/prices?colour=red"), 400, "colour");
}

TEST_CASE(
    "concurrent price creations for one product: each lands once, and the product counts it") {
  Server s;
  Reply product = s.post("/v1/products", {{"name", "Hot item"}});
  REQUIRE(product.status == 200);
  const std::string prod = product.body["id"];
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        Reply r =
            s.post("/v1/prices", {{"currency", "usd"}, {"unit_amount", 100}, {"product", prod}});
        if (r.status == 200) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  Reply listed = s.get("/v1/prices?product=" + prod + "&limit=100");
  CHECK(static_cast<int>(listed.body["data"].size()) == ok.load());
  CHECK(ok.load() > 0);
  // The product counted every price that landed, and none that did not.
  auto counted = s.app().commands().load<products::Module>(
      domain::MerchantId{s.app().ensure_key(kKeyA).value()}, prod);
  REQUIRE(counted.has_value());
  CHECK(counted->state->prices == ok.load());
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
