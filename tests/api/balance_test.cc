// The balance against a real server: every capture, direct payment and refund is a balance
// transaction (txn_) whose double entries balance, GET /v1/balance is their sum per currency,
// the list's filters and cursors, errors naming the parameter, and merchants kept apart.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "tests/support/test_server.h"

using namespace payledger;
using payledger::testing::check_error;
using payledger::testing::Json;
using payledger::testing::kKeyB;
using payledger::testing::kT0;
using payledger::testing::Reply;
using payledger::testing::Server;

namespace {

Json card_payment(std::int64_t amount) {
  return Json{{"amount", amount},
              {"currency", "eur"},
              {"card",
               {{"number", "4111111111111111"},
                {"exp_month", 12},
                {"exp_year", 2030},
                {"cvc", "314"},
                {"holder_name", "Jenny Rosen"}}},
              {"customer",
               {{"email", "jenny@example.com"},
                {"first_name", "Jenny"},
                {"last_name", "Rosen"},
                {"country", "DE"}}}};
}

std::map<std::string, std::int64_t> funds(const Json& list) {
  std::map<std::string, std::int64_t> out;
  for (const Json& f : list) out[f["currency"]] = f["amount"];
  return out;
}

std::int64_t sum_of(const Json& page) {
  std::int64_t sum = 0;
  for (const Json& t : page["data"]) sum += t["net"].get<std::int64_t>();
  return sum;
}

}  // namespace

TEST_CASE("balance: zero before any money moves") {
  Server s;
  Reply b = s.get("/v1/balance");
  REQUIRE(b.status == 200);
  CHECK(b.body["object"] == "balance");
  CHECK(b.body["livemode"] == false);
  CHECK(funds(b.body["available"]) == std::map<std::string, std::int64_t>{{"usd", 0}});
  CHECK(funds(b.body["pending"]) == std::map<std::string, std::int64_t>{{"usd", 0}});
  CHECK(s.get("/v1/balance_transactions").body["data"] == Json::array());
}

TEST_CASE("balance: captures, payments and refunds as balance transactions") {
  Server s;
  // An intent authorized but not captured moves nothing yet.
  Reply pi = s.post("/v1/payment_intents",
                    {{"amount", 5000}, {"currency", "usd"}, {"capture_method", "manual"}});
  const std::string intent = pi.body["id"];
  REQUIRE(s.post("/v1/payment_intents/" + intent + "/confirm", {{"payment_method", "pm_card_visa"}})
              .status == 200);
  CHECK(s.get("/v1/balance_transactions").body["data"] == Json::array());
  s.clock().advance(60);
  Reply captured = s.post("/v1/payment_intents/" + intent + "/capture", Json::object());
  REQUIRE(captured.status == 200);
  const std::string charge = captured.body["charges"]["data"][0]["id"];
  s.clock().advance(60);
  Reply refund = s.post("/v1/refunds", {{"payment_intent", intent}, {"amount", 1200}});
  REQUIRE(refund.status == 200);
  // A direct payment (seed 002) and its refund, which counts once it succeeds.
  s.clock().advance(60);
  const std::string payment = s.post("/v1/payments", card_payment(4999)).body["id"];
  s.sweep();
  REQUIRE(s.post("/v1/payments/" + payment + "/refund", Json{{"amount", 999}}).status == 200);
  CHECK(s.get("/v1/balance_transactions?limit=100").body["data"].size() == 3);  // pending
  s.sweep();

  Reply all = s.get("/v1/balance_transactions?limit=100");
  REQUIRE(all.status == 200);
  CHECK(all.body["url"] == "/v1/balance_transactions");
  const Json& data = all.body["data"];
  REQUIRE(data.size() == 4);
  // Newest first.
  CHECK(data[0]["type"] == "payment_refund");
  CHECK(data[0]["amount"] == -999);
  CHECK(data[0]["currency"] == "eur");
  CHECK(data[0]["reporting_category"] == "refund");
  CHECK(data[1]["type"] == "payment");
  CHECK(data[1]["source"] == payment);
  CHECK(data[1]["amount"] == 4999);
  CHECK(data[1]["reporting_category"] == "charge");
  CHECK(data[2]["type"] == "refund");
  CHECK(data[2]["source"] == refund.body["id"]);
  CHECK(data[2]["amount"] == -1200);
  CHECK(data[2]["created"] == kT0 + 120);
  const Json& txn = data[3];
  CHECK(txn["object"] == "balance_transaction");
  CHECK(txn["id"].get<std::string>().starts_with("txn_"));
  CHECK(txn["type"] == "charge");
  CHECK(txn["source"] == charge);
  CHECK(txn["amount"] == 5000);
  CHECK(txn["fee"] == 0);
  CHECK(txn["fee_details"] == Json::array());
  CHECK(txn["net"] == 5000);
  CHECK(txn["currency"] == "usd");
  CHECK(txn["created"] == kT0 + 60);
  CHECK(txn["available_on"] == kT0 + 60);
  CHECK(txn["status"] == "available");
  CHECK(s.get("/v1/balance_transactions/" + txn["id"].get<std::string>()).body == txn);

  Reply b = s.get("/v1/balance");
  CHECK(funds(b.body["available"]) ==
        std::map<std::string, std::int64_t>{{"eur", 4000}, {"usd", 3800}});
  CHECK(funds(b.body["pending"]) == std::map<std::string, std::int64_t>{{"eur", 0}, {"usd", 0}});

  // Filters: type, currency, source, created; and cursors.
  CHECK(s.get("/v1/balance_transactions?type=charge").body["data"].size() == 1);
  CHECK(sum_of(s.get("/v1/balance_transactions?currency=usd").body) == 3800);
  CHECK(sum_of(s.get("/v1/balance_transactions?currency=eur").body) == 4000);
  CHECK(s.get("/v1/balance_transactions?source=" + charge).body["data"][0] == txn);
  CHECK(s.get("/v1/balance_transactions?created[gte]=" + std::to_string(kT0 + 120))
            .body["data"]
            .size() == 3);
  CHECK(
      s.get("/v1/balance_transactions?created[lt]=" + std::to_string(kT0 + 120)).body["data"][0] ==
      txn);
  Reply first = s.get("/v1/balance_transactions?limit=2");
  CHECK(first.body["has_more"] == true);
  Reply next = s.get("/v1/balance_transactions?limit=2&starting_after=" +
                     first.body["data"][1]["id"].get<std::string>());
  CHECK(next.body["data"][1] == txn);
  CHECK(next.body["has_more"] == false);

  // Another merchant sees none of it.
  CHECK(s.get("/v1/balance_transactions", kKeyB).body["data"] == Json::array());
  CHECK(s.get("/v1/balance_transactions/" + txn["id"].get<std::string>(), kKeyB).status == 404);
  CHECK(funds(s.get("/v1/balance", kKeyB).body["available"]) ==
        std::map<std::string, std::int64_t>{{"usd", 0}});
}

TEST_CASE("balance: a parameter it cannot use is refused, naming it") {
  Server s;
  check_error(s.get("/v1/balance_transactions?currency=xyz"), 400, "currency");
  check_error(s.get("/v1/balance_transactions?payout=po_1"), 400, "payout");
  check_error(s.get("/v1/balance_transactions?limit=0"), 400, "limit");
  check_error(s.get("/v1/balance_transactions?created[gt]=soon"), 400, "created[gt]");
  check_error(s.get("/v1/balance_transactions?starting_after=txn_nope"), 400, "starting_after");
  check_error(s.get("/v1/balance?currency=usd"), 400, "currency");
  CHECK(s.get("/v1/balance_transactions/txn_00000000000").status == 404);
  CHECK(s.get("/v1/balance_transactions/ch_123").status == 404);
}
