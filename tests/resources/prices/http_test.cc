// Prices against a real server: the product must exist and be the merchant's, the atomic
// price + product append (product_data), updates, filtered lists, and concurrent creations.
#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "resources/products/module.h"
#include "tests/support/lists.h"
#include "tests/support/test_server.h"

using namespace payledger;
using namespace payledger::testing;

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
