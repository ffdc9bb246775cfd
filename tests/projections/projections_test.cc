// Projections: lossless rendering, idempotent application, cursor pagination, and rebuilding
// from position 0 into byte-identical views.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <random>

#include "api/app.h"
#include "eventstore/codec.h"
#include "projections/projector.h"
#include "projections/queries.h"
#include "projections/render.h"
#include "tests/support/temp_dir.h"

using namespace payledger;
using payledger::testing::TempDir;

namespace {

constexpr std::int64_t kT0 = 1'742'025'600;

std::map<std::string, std::string> views_snapshot(eventstore::Database& db) {
  std::map<std::string, std::string> out;
  std::unique_ptr<rocksdb::Iterator> it(db.db()->NewIterator(rocksdb::ReadOptions(), db.views()));
  for (it->SeekToFirst(); it->Valid(); it->Next())
    out[it->key().ToString()] = it->value().ToString();
  return out;
}

std::unique_ptr<api::App> open_app(const std::string& dir) {
  api::AppOptions options;
  options.data_dir = dir;
  options.sweep_interval_ms = 0;
  auto app = api::App::open(options, std::make_unique<api::ManualClock>(kT0));
  REQUIRE(app.has_value());
  return std::move(*app);
}

std::string id_of(const api::Outcome& o) {
  auto j = nlohmann::json::parse(o.body);
  return j.at("id").get<std::string>();
}

api::CreateIntentParams intent(std::int64_t amount, std::string capture = "automatic") {
  api::CreateIntentParams p;
  p.amount_minor = amount;
  p.currency = "eur";
  p.capture_method = std::move(capture);
  p.metadata = {{"k", "v \"quoted\""}};
  p.description = "ünïcode — ok";
  return p;
}

// A little of everything: every status, declines, partial capture, refunds.
void mixed_workload(api::App& app, const domain::MerchantId& m) {
  auto& c = app.commands();
  for (int i = 0; i < 6; ++i) {
    const std::string pi =
        id_of(c.create_intent(m, intent(1000 + i, i % 2 ? "manual" : "automatic"), nullptr));
    const char* pm = i == 3 ? "pm_card_chargeDeclined"
                            : (i == 4 ? "pm_card_threeDSecureRequired" : "pm_card_visa");
    (void)c.confirm(m, pi, pm, "", nullptr);
    if (i == 1 || i == 3) (void)c.capture(m, pi, 900, nullptr);
    if (i == 0) (void)c.refund(m, pi, 300, "duplicate", {{"r", "1"}}, nullptr);
    if (i == 2) (void)c.refund(m, pi, std::nullopt, std::nullopt, {}, nullptr);
    if (i == 5) (void)c.cancel(m, pi, "abandoned", nullptr);
  }
  (void)c.confirm(m, id_of(c.create_intent(m, intent(77, "manual"), nullptr)), "pm_card_amex", "",
                  nullptr);
}

}  // namespace

TEST_CASE("render then parse gives back the same intent, in every status") {
  TempDir dir;
  auto app = open_app(dir.path());
  auto merchant = app->ensure_key("sk_test_projections_1");
  REQUIRE(merchant.has_value());
  mixed_workload(*app, *merchant);
  REQUIRE(app->runner().wait_for(app->store().last_position(), std::chrono::seconds(10)));
  auto page = projections::Queries(app->db()).list(
      {projections::ListKind::payment_intents, merchant->value, 100, {}, {}});
  REQUIRE(page.has_value());
  REQUIRE(page->objects.size() == 7);
  std::set<std::string> statuses;
  for (std::size_t i = 0; i < page->ids.size(); ++i) {
    auto from_log = app->commands().load_intent(*merchant, page->ids[i]);
    REQUIRE(from_log.has_value());
    REQUIRE(from_log->has_value());
    auto parsed = projections::parse_intent(page->objects[i]);
    REQUIRE(parsed.has_value());
    parsed->version = (*from_log)->version;
    CHECK(*parsed == **from_log);  // the view is exactly the state the log folds to
    CHECK(projections::render_intent(**from_log) == page->objects[i]);
    statuses.insert(std::string(domain::to_string((*from_log)->status)));
  }
  CHECK(statuses.size() == 7);
}

TEST_CASE("rebuilding from position 0 yields byte-identical views") {
  TempDir dir;
  std::map<std::string, std::string> before;
  {
    auto app = open_app(dir.path());
    auto merchant = app->ensure_key("sk_test_projections_2");
    REQUIRE(merchant.has_value());
    mixed_workload(*app, *merchant);
    REQUIRE(app->runner().wait_for(app->store().last_position(), std::chrono::seconds(10)));
    before = views_snapshot(app->db());
  }
  auto db = eventstore::Database::open(dir.path());
  REQUIRE(db.has_value());
  REQUIRE((*db)->reset_views().is_ok());
  CHECK(views_snapshot(**db).empty());
  eventstore::EventStore store(**db);
  projections::Projector projector(**db);
  std::vector<eventstore::StoredEvent> batch;
  // Small batches on purpose: batch boundaries must not change the result.
  for (std::uint64_t next = 1; next <= store.last_position().value; next += batch.size()) {
    REQUIRE(store.read_all(eventstore::Position{next}, 3, &batch).is_ok());
    REQUIRE(projector.apply(batch).is_ok());
  }
  CHECK(views_snapshot(**db) == before);
}

TEST_CASE("a redelivered event changes nothing") {
  TempDir dir;
  auto app = open_app(dir.path());
  auto merchant = app->ensure_key("sk_test_projections_3");
  REQUIRE(merchant.has_value());
  mixed_workload(*app, *merchant);
  REQUIRE(app->runner().wait_for(app->store().last_position(), std::chrono::seconds(10)));
  const auto before = views_snapshot(app->db());
  std::vector<eventstore::StoredEvent> all;
  REQUIRE(app->store().read_all(eventstore::Position{1}, 100'000, &all).is_ok());
  // A second projector over the same views: every event is a redelivery for them.
  projections::Projector again(app->db(), "redelivery");
  REQUIRE(again.apply(all).is_ok());
  CHECK(again.watermark().value == all.size());
  auto after = views_snapshot(app->db());
  after.erase("c/redelivery");
  after.erase("w/redelivery");
  CHECK(after == before);
}

TEST_CASE("events delivered out of order and twice build the same views as in order") {
  TempDir in_order_dir;
  std::vector<eventstore::StoredEvent> all;
  std::map<std::string, std::string> expected;
  {
    auto app = open_app(in_order_dir.path());
    auto merchant = app->ensure_key("sk_test_projections_4");
    REQUIRE(merchant.has_value());
    mixed_workload(*app, *merchant);
    REQUIRE(app->runner().wait_for(app->store().last_position(), std::chrono::seconds(10)));
    REQUIRE(app->store().read_all(eventstore::Position{1}, 100'000, &all).is_ok());
    expected = views_snapshot(app->db());
  }
  for (unsigned seed : {1u, 2u, 3u}) {
    CAPTURE(seed);
    TempDir dir;
    auto db = eventstore::Database::open(dir.path());
    REQUIRE(db.has_value());
    std::vector<eventstore::StoredEvent> shuffled = all;
    shuffled.insert(shuffled.end(), all.begin(), all.begin() + all.size() / 2);  // duplicates
    std::mt19937 rng(seed);
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    {
      projections::Projector projector(**db);
      for (std::size_t i = 0; i < shuffled.size(); i += 5) {
        const auto end = shuffled.begin() + static_cast<long>(std::min(i + 5, shuffled.size()));
        REQUIRE(projector.apply({shuffled.begin() + static_cast<long>(i), end}).is_ok());
        CHECK(projector.watermark().value <= all.size());
      }
      CHECK(projector.watermark().value == all.size());
    }
    // Reopened, the projector remembers where it is.
    CHECK(projections::Projector(**db).watermark().value == all.size());
    CHECK(views_snapshot(**db) == expected);
  }
}

TEST_CASE("cursor pagination walks forward and back, newest first, per merchant") {
  TempDir dir;
  auto app = open_app(dir.path());
  auto a = app->ensure_key("sk_test_projections_a");
  auto b = app->ensure_key("sk_test_projections_b");
  REQUIRE((a && b));
  std::vector<std::string> created;
  for (int i = 0; i < 25; ++i) {
    created.push_back(id_of(app->commands().create_intent(*a, intent(100 + i), nullptr)));
    (void)app->commands().create_intent(*b, intent(100 + i), nullptr);
  }
  REQUIRE(app->runner().wait_for(app->store().last_position(), std::chrono::seconds(10)));
  projections::Queries q(app->db());
  const std::vector<std::string> newest_first(created.rbegin(), created.rend());

  std::vector<std::string> seen;
  std::optional<std::string> cursor;
  std::vector<bool> more;
  do {
    auto page = q.list({projections::ListKind::payment_intents, a->value, 10, cursor, {}});
    REQUIRE(page.has_value());
    seen.insert(seen.end(), page->ids.begin(), page->ids.end());
    more.push_back(page->has_more);
    cursor = page->ids.empty() ? std::nullopt : std::optional(page->ids.back());
    if (!page->has_more) break;
  } while (true);
  CHECK(seen == newest_first);
  CHECK(more == std::vector<bool>{true, true, false});

  auto before = q.list({projections::ListKind::payment_intents, a->value, 5, {}, newest_first[12]});
  REQUIRE(before.has_value());
  CHECK(before->ids ==
        std::vector<std::string>(newest_first.begin() + 7, newest_first.begin() + 12));
  CHECK(before->has_more);
  auto first = q.list({projections::ListKind::payment_intents, a->value, 5, {}, newest_first[3]});
  REQUIRE(first.has_value());
  CHECK(first->ids == std::vector<std::string>(newest_first.begin(), newest_first.begin() + 3));
  CHECK_FALSE(first->has_more);

  // Another merchant's id is not a cursor here.
  auto foreign = q.list({projections::ListKind::payment_intents, b->value, 5, created[0], {}});
  REQUIRE_FALSE(foreign.has_value());
  CHECK(foreign.error().message() == "starting_after");
}
