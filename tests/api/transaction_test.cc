// api::transact and api::Transaction against a real App (RocksDB in a temp dir): what an attempt
// stages is appended with its answer or not at all, a referenced object is the merchant's and
// live and its version guarded (a change before the append runs the attempt again), and the
// time comes from the clock the request lives on.
#include <doctest/doctest.h>

#include "api/command_service.h"
#include "resources/customers/module.h"
#include "resources/test_clocks/module.h"
#include "tests/support/test_server.h"

namespace payledger {
namespace {

using api::Attempt;
using api::Outcome;
using api::Transaction;
using testing::Json;
using testing::kT0;
using testing::Server;

domain::MerchantId merchant_of(Server& s, const std::string& key) {
  auto merchant = s.app().ensure_key(key);
  REQUIRE(merchant.has_value());
  return *merchant;
}

// Stages a new customer `id` (on `clock` when given) in `tx`.
void stage_customer(Transaction& tx, const std::string& id, const std::string& clock = {}) {
  const api::Loaded<customers::Module> fresh{id, 0, std::nullopt};
  auto created = customers::decide(fresh.state,
                                   customers::CreateCustomer{customers::CustomerId{id}, {}, clock});
  REQUIRE(created.has_value());
  (void)tx.add(fresh, *created);
}

// Renames customer `id` in a request of its own: a concurrent writer.
void rename_customer(Server& s, const domain::MerchantId& merchant, const std::string& id) {
  customers::ProfileUpdate rename;
  rename.name = "renamed";
  const Outcome o = api::decide_and_append<customers::Module>(
      s.app().commands(), merchant, nullptr, id, false,
      [&](const customers::State& c) {
        return customers::decide(c, customers::UpdateCustomer{rename});
      },
      [](const auto&, const auto&) {
        return Outcome{200, "renamed", {}};
      },
      [](customers::Rejection) { return api::ApiError{}; });
  REQUIRE(o.http_status == 200);
}

std::uint64_t stream_length(Server& s, const std::string& id) {
  std::vector<eventstore::StoredEvent> stored;
  REQUIRE(s.app().store().read_stream(id, &stored).is_ok());
  return stored.size();
}

TEST_CASE("transact appends what an attempt staged with its answer, or nothing") {
  Server s;
  const domain::MerchantId merchant = merchant_of(s, testing::kKeyA);
  api::CommandService& commands = s.app().commands();
  const std::string kept = commands.new_id("cus");
  const Outcome ok = api::transact(commands, merchant, nullptr, [&](Transaction& tx) -> Attempt {
    stage_customer(tx, kept);
    return Outcome{200, "the answer", {}};
  });
  CHECK(ok.http_status == 200);
  CHECK(ok.body == "the answer");
  CHECK(ok.position.value > 0);
  CHECK(stream_length(s, kept) == 1);

  const std::string dropped = commands.new_id("cus");
  const Outcome refused =
      api::transact(commands, merchant, nullptr, [&](Transaction& tx) -> Attempt {
        stage_customer(tx, dropped);
        return Unexpected{api::invalid_param("name", "refused_here", "Refused.")};
      });
  CHECK(refused.http_status == 400);
  CHECK(Json::parse(refused.body)["error"]["code"] == "refused_here");
  CHECK(refused.position.value == 0);
  CHECK(stream_length(s, dropped) == 0);
}

TEST_CASE("reference: the merchant's live object, else 400 naming the parameter") {
  Server s;
  const domain::MerchantId merchant = merchant_of(s, testing::kKeyA);
  const std::string live = s.post("/v1/customers", Json::object()).body["id"];
  const std::string gone = s.post("/v1/customers", Json::object()).body["id"];
  REQUIRE(s.del("/v1/customers/" + gone).status == 200);
  const std::string theirs = s.post("/v1/customers", Json::object(), {}, testing::kKeyB).body["id"];
  api::CommandService& commands = s.app().commands();

  auto refer = [&](const std::string& id) {
    std::optional<api::Referenced> found;
    const Outcome o = api::transact(commands, merchant, nullptr, [&](Transaction& tx) -> Attempt {
      auto ref = tx.reference<customers::Module>(id, "customer_id");
      if (!ref) return Unexpected{ref.error()};
      found = *ref;
      return Outcome{200, "", {}};
    });
    return std::make_pair(o, found);
  };
  const auto result = refer(live);
  CHECK(result.first.http_status == 200);
  const std::optional<api::Referenced>& found = result.second;
  REQUIRE(found.has_value());
  CHECK(found->version == 1);
  CHECK(found->clock.empty());
  const auto none = refer("");  // a parameter left out names nothing
  CHECK(none.first.http_status == 200);
  REQUIRE(none.second.has_value());
  CHECK(none.second->version == 0);
  CHECK(none.second->clock.empty());
  for (const std::string& id :
       {gone, theirs, std::string("cus_nope"), std::string("pi_123"), std::string("cus_bad id")}) {
    CAPTURE(id);
    const Outcome o = refer(id).first;
    CHECK(o.http_status == 400);
    const Json body = Json::parse(o.body);  // told as the API's error
    CHECK(body["error"]["code"] == "resource_missing");
    CHECK(body["error"]["param"] == "customer_id");
  }
}

TEST_CASE("a referenced object that changes before the append runs the attempt again") {
  Server s;
  const domain::MerchantId merchant = merchant_of(s, testing::kKeyA);
  const std::string customer = s.post("/v1/customers", Json::object()).body["id"];
  api::CommandService& commands = s.app().commands();
  const std::string made = commands.new_id("cus");
  int attempts = 0;
  std::uint64_t seen = 0;
  const Outcome o = api::transact(commands, merchant, nullptr, [&](Transaction& tx) -> Attempt {
    ++attempts;
    auto ref = tx.reference<customers::Module>(customer, "customer");
    if (!ref) return Unexpected{ref.error()};
    seen = ref->version;
    if (attempts == 1) rename_customer(s, merchant, customer);  // after the read, before the append
    stage_customer(tx, made);
    return Outcome{200, "", {}};
  });
  CHECK(o.http_status == 200);
  CHECK(attempts == 2);
  CHECK(seen == 2);  // the second attempt read the renamed customer
  CHECK(stream_length(s, made) == 1);

  SUBCASE("a change before every append ends in 409 lock_timeout, nothing written") {
    const std::string never = commands.new_id("cus");
    attempts = 0;
    const Outcome busy =
        api::transact(commands, merchant, nullptr, [&](Transaction& tx) -> Attempt {
          ++attempts;
          auto ref = tx.reference<customers::Module>(customer, "customer");
          if (!ref) return Unexpected{ref.error()};
          rename_customer(s, merchant, customer);
          stage_customer(tx, never);
          return Outcome{200, "", {}};
        });
    CHECK(busy.http_status == 409);
    CHECK(Json::parse(busy.body)["error"]["code"] == "lock_timeout");
    CHECK(attempts == 8);  // the bound on attempts (command_service.cc)
    CHECK(stream_length(s, never) == 0);
  }
}

TEST_CASE("live_on: a request on a test clock takes the clock's time") {
  Server s;
  const domain::MerchantId merchant = merchant_of(s, testing::kKeyA);
  const std::int64_t frozen = kT0 - 86'400;
  const std::string clock =
      s.post("/v1/test_helpers/test_clocks", {{"frozen_time", frozen}}).body["id"];
  REQUIRE_FALSE(clock.empty());
  api::CommandService& commands = s.app().commands();
  const std::string made = commands.new_id("cus");
  const Outcome o = api::transact(commands, merchant, nullptr, [&](Transaction& tx) -> Attempt {
    CHECK(tx.now().value == kT0);  // the system's until a clock is chosen
    auto ref = tx.reference<test_clocks::Module>(clock, "test_clock");
    if (!ref) return Unexpected{ref.error()};
    CHECK(ref->clock == clock);  // what is made with a clock lives on it
    auto now = tx.live_on(ref->clock);
    if (!now) return Unexpected{now.error()};
    CHECK(now->value == frozen);
    stage_customer(tx, made, clock);
    return Outcome{200, "", {}};
  });
  REQUIRE(o.http_status == 200);
  // The customer lives on the clock: what references it inherits the clock.
  const Outcome again = api::transact(commands, merchant, nullptr, [&](Transaction& tx) -> Attempt {
    auto ref = tx.reference<customers::Module>(made, "customer");
    if (!ref) return Unexpected{ref.error()};
    CHECK(ref->clock == clock);
    return Outcome{200, "", {}};
  });
  CHECK(again.http_status == 200);
  REQUIRE(s.app().runner().wait_for(s.app().store().last_position(), std::chrono::seconds(10)));
  Json customer = s.get("/v1/customers/" + made).body;
  CHECK(customer["created"] == frozen);
  CHECK(customer["test_clock"] == clock);
}

}  // namespace
}  // namespace payledger
