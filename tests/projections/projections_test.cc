// Projections: lossless rendering, idempotent application, cursor pagination, and rebuilding
// from position 0 into byte-identical views.
#include <doctest/doctest.h>

#include <rocksdb/db.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "app/app.h"
#include "contract/field_codec.h"
#include "eventstore/codec.h"
#include "projections/projector.h"
#include "projections/queries.h"
#include "projections/runner.h"
#include "projections/view_store.h"
#include "resources/payment_intents/module.h"
#include "resources/payment_intents/render.h"
#include "resources/registry.h"
#include "tests/support/temp_dir.h"

using namespace payledger;
using payledger::testing::TempDir;

namespace {

constexpr std::int64_t kT0 = 1'742'025'600;

std::map<std::string, std::string> views_snapshot(eventstore::Database& db) {
  std::map<std::string, std::string> out;
  std::unique_ptr<rocksdb::Iterator> it(
      db.db()->NewIterator(rocksdb::ReadOptions(), projections::views_family(db)));
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

std::string intent(std::int64_t amount, const std::string& capture = "automatic") {
  return nlohmann::json{{"amount", amount},
                        {"currency", "eur"},
                        {"capture_method", capture},
                        {"metadata", {{"k", "v \"quoted\""}}},
                        {"description", "ünïcode — ok"}}
      .dump();
}

// A little of everything: every status, declines, partial capture, refunds.
void mixed_workload(api::App& app, const domain::MerchantId& m) {
  auto post = [&](const std::string& path, const nlohmann::json& body) {
    return app.call("POST", path, m, body.dump());
  };
  for (int i = 0; i < 6; ++i) {
    const std::string pi = id_of(app.call("POST", "/v1/payment_intents", m,
                                          intent(1000 + i, i % 2 ? "manual" : "automatic")));
    const char* pm = i == 3 ? "pm_card_chargeDeclined"
                            : (i == 4 ? "pm_card_threeDSecureRequired" : "pm_card_visa");
    // The 3-D Secure intent's next_action carries a return_url that views must keep.
    nlohmann::json confirm = {{"payment_method", pm}};
    if (i == 4) confirm["return_url"] = "https://shop.example/back";
    (void)post("/v1/payment_intents/" + pi + "/confirm", confirm);
    if (i == 1 || i == 3)
      (void)post("/v1/payment_intents/" + pi + "/capture", {{"amount_to_capture", 900}});
    if (i == 0) {
      (void)post("/v1/refunds", {{"payment_intent", pi},
                                 {"amount", 300},
                                 {"reason", "duplicate"},
                                 {"metadata", {{"r", "1"}}}});
    }
    if (i == 2) (void)post("/v1/refunds", {{"payment_intent", pi}});
    if (i == 5)
      (void)post("/v1/payment_intents/" + pi + "/cancel", {{"cancellation_reason", "abandoned"}});
  }
  const std::string last = id_of(app.call("POST", "/v1/payment_intents", m, intent(77, "manual")));
  (void)post("/v1/payment_intents/" + last + "/confirm", {{"payment_method", "pm_card_amex"}});
}

projections::ListRequest list_of(const std::string& merchant, int limit,
                                 std::optional<std::string> after = {},
                                 std::optional<std::string> before = {}) {
  return {"payment_intent", merchant, {}, limit, std::move(after), std::move(before)};
}

// A log holding one intent (`good`) of a live server, and a second projector over fresh views
// of another database: the tests feed it the log plus events of their own making.
struct SecondProjector {
  TempDir dir;
  TempDir other;
  std::unique_ptr<api::App> app;
  domain::MerchantId merchant;
  std::string good;
  std::vector<eventstore::StoredEvent> log;
  std::unique_ptr<eventstore::Database> db;
  std::unique_ptr<projections::Projector> projector;

  SecondProjector(const std::string& key, const std::string& name, std::int64_t amount) {
    app = open_app(dir.path());
    auto m = app->ensure_key(key);
    REQUIRE(m.has_value());
    merchant = *m;
    good = id_of(app->call("POST", "/v1/payment_intents", merchant, intent(amount)));
    REQUIRE(app->runner().wait_for(app->store().last_position(), std::chrono::seconds(10)));
    REQUIRE(app->store().read_all(eventstore::Position{1}, 100, &log).is_ok());
    auto opened =
        eventstore::Database::open(other.path(), nullptr, {std::string(projections::kViewsFamily)});
    REQUIRE(opened.has_value());
    db = std::move(*opened);
    REQUIRE(projections::ensure_view_format(*db).is_ok());
    projector = std::make_unique<projections::Projector>(*db, resources::registry(), name);
  }
  std::uint64_t last() const { return log.back().position.value; }
  // A capture of `good` that nobody paid for: well-formed, next in sequence, and impossible.
  eventstore::StoredEvent forged_capture(std::uint64_t position, std::int64_t amount) const {
    return {eventstore::Position{position},
            R"({"id":"evt_f","type":"payment_intent.captured","schema_version":1,"stream_id":")" +
                good + R"(","stream_version":2,"merchant_id":")" + merchant.value +
                R"(","occurred_at":1,"data":{"charge":"ch_forged","amount":)" +
                std::to_string(amount) + "}}"};
  }
  // `good` as the second projector's views render it.
  nlohmann::json good_view() const {
    projections::Queries q(*db);
    auto view = q.object("payment_intent", merchant.value, good);
    REQUIRE(view.has_value());
    REQUIRE(view->has_value());
    return nlohmann::json::parse(**view);
  }
  // Why the projector quarantined the event at `p`.
  std::string why(const std::string& name, std::uint64_t p) const {
    std::string reason;
    REQUIRE(db->db()
                ->Get(rocksdb::ReadOptions(), projections::views_family(*db),
                      projections::ViewKeys::quarantined(name, eventstore::Position{p}), &reason)
                .ok());
    return reason;
  }
};

}  // namespace

TEST_CASE("the views hold the log's fold: state round-trips, renderings match, in every status") {
  TempDir dir;
  auto app = open_app(dir.path());
  auto merchant = app->ensure_key("sk_test_projections_1");
  REQUIRE(merchant.has_value());
  mixed_workload(*app, *merchant);
  REQUIRE(app->runner().wait_for(app->store().last_position(), std::chrono::seconds(10)));
  auto page = projections::Queries(app->db()).list(list_of(merchant->value, 100));
  REQUIRE(page.has_value());
  REQUIRE(page->objects.size() == 7);
  std::set<std::string> statuses;
  for (std::size_t i = 0; i < page->ids.size(); ++i) {
    auto from_log = app->commands().load<payment_intents::Module>(*merchant, page->ids[i]);
    REQUIRE(from_log.has_value());
    REQUIRE(from_log->state.has_value());
    const payment_intents::PaymentIntent& pi = *from_log->state;
    CHECK(payment_intents::render_intent(pi) == page->objects[i]);
    // The state's own encoding gives back exactly the state (no parsing of the API JSON).
    json::Writer w;
    contract::write_value(w, pi);
    const std::string encoded = w.take();
    json::Parser parser;
    json::Value root;
    REQUIRE(parser.parse(encoded, &root));
    payment_intents::PaymentIntent decoded;
    json::ReadError error;
    contract::read_value(root, decoded, domain::Field::required, "state", error);
    CHECK_MESSAGE(!error.failed(), error.what());
    CHECK(decoded == pi);
    statuses.insert(std::string(payment_intents::to_string(pi.status)));
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
  auto db =
      eventstore::Database::open(dir.path(), nullptr, {std::string(projections::kViewsFamily)});
  REQUIRE(db.has_value());
  REQUIRE(projections::reset_views(**db).is_ok());
  CHECK(views_snapshot(**db).size() == 1);  // the format key only
  eventstore::EventStore store(**db);
  projections::Projector projector(**db, resources::registry());
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
  projections::Projector again(app->db(), resources::registry(), "redelivery");
  REQUIRE(again.apply(all).is_ok());
  CHECK(again.watermark().value == all.size());
  auto after = views_snapshot(app->db());
  after.erase("c/redelivery");
  after.erase("w/redelivery");
  CHECK(after == before);
}

// Streams interleaved in any order, each stream's events in its own order (as Kafka delivers
// them: one partition per stream), and half of them twice.
std::vector<eventstore::StoredEvent> interleaved(const std::vector<eventstore::StoredEvent>& all,
                                                 unsigned seed) {
  std::map<std::string, std::vector<eventstore::StoredEvent>> by_stream;
  eventstore::EnvelopeParser parser;
  for (const auto& e : all) {
    eventstore::EventHeader h;
    json::Value data;
    REQUIRE(parser.parse(e.payload, &h, &data).is_ok());
    by_stream[h.meta.stream_id].push_back(e);
  }
  std::vector<std::vector<eventstore::StoredEvent>> queues;
  for (auto& [id, events] : by_stream) queues.push_back(std::move(events));
  std::mt19937 rng(seed);
  std::vector<eventstore::StoredEvent> out;
  std::vector<std::size_t> next(queues.size(), 0);
  for (std::size_t left = all.size(); left > 0;) {
    const std::size_t q = std::uniform_int_distribution<std::size_t>(0, queues.size() - 1)(rng);
    if (next[q] == queues[q].size()) continue;
    out.push_back(queues[q][next[q]++]);
    if (rng() % 3 == 0) out.push_back(out.back());  // a redelivery
    --left;
  }
  return out;
}

TEST_CASE("streams interleaved in any order, with redeliveries, build the same views") {
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
    auto db =
        eventstore::Database::open(dir.path(), nullptr, {std::string(projections::kViewsFamily)});
    REQUIRE(db.has_value());
    REQUIRE(projections::ensure_view_format(**db).is_ok());
    const auto shuffled = interleaved(all, seed);
    {
      projections::Projector projector(**db, resources::registry());
      for (std::size_t i = 0; i < shuffled.size(); i += 5) {
        const auto end = shuffled.begin() + static_cast<long>(std::min(i + 5, shuffled.size()));
        REQUIRE(projector.apply({shuffled.begin() + static_cast<long>(i), end}).is_ok());
        CHECK(projector.watermark().value <= all.size());
      }
      CHECK(projector.watermark().value == all.size());
      CHECK(projector.quarantined() == 0);
    }
    // Reopened, the projector remembers where it is.
    CHECK(projections::Projector(**db, resources::registry()).watermark().value == all.size());
    CHECK(views_snapshot(**db) == expected);
  }
}

TEST_CASE("an event that decodes but breaks an invariant is quarantined, its state untouched") {
  SecondProjector second("sk_test_projections_6", "forged", 700);
  const std::uint64_t last = second.last();
  std::vector<eventstore::StoredEvent> events = second.log;
  // evolve's assertion would stop the process; the projector quarantines the forged capture
  // (found by fuzz_event_decoder).
  events.push_back(second.forged_capture(last + 1, 700));
  REQUIRE(second.projector->apply(events).is_ok());
  CHECK(second.projector->quarantined() == 1);
  CHECK(second.projector->watermark().value == last + 1);
  CHECK(second.why("forged", last + 1).find("breaks an invariant") != std::string::npos);
  const auto pi = second.good_view();
  CHECK(pi["status"] == "requires_payment_method");
  CHECK(pi["amount_received"] == 0);
}

TEST_CASE("a broken invariant in a later batch: the state is rebuilt from the stream's record") {
  SecondProjector second("sk_test_projections_7", "forged_later", 800);
  const std::uint64_t last = second.last();
  REQUIRE(second.projector->apply(second.log).is_ok());
  // The intent's record is in the views now; this call starts its state from it.
  REQUIRE(second.projector->apply({second.forged_capture(last + 1, 800)}).is_ok());
  CHECK(second.projector->quarantined() == 1);
  CHECK(second.why("forged_later", last + 1).find("breaks an invariant") != std::string::npos);
  const auto pi = second.good_view();
  CHECK(pi["status"] == "requires_payment_method");
  CHECK(pi["amount"] == 800);
}

TEST_CASE("a poison event is quarantined; its stream stops, every other stream goes on") {
  // The second projector gets the log plus garbage, an unknown type and a gap.
  SecondProjector second("sk_test_projections_5", "poison", 500);
  const std::uint64_t last = second.last();
  const std::string& good = second.good;
  std::vector<eventstore::StoredEvent> events = second.log;
  events.push_back({eventstore::Position{last + 1}, "not json at all"});
  events.push_back(
      {eventstore::Position{last + 2},
       R"({"id":"evt_x","type":"payment_intent.teleported","schema_version":1,"stream_id":")" +
           good + R"(","stream_version":2,"merchant_id":"m","occurred_at":1,"data":{}})"});
  // Its stream is poisoned now: the next event of it is quarantined too.
  events.push_back(
      {eventstore::Position{last + 3},
       R"({"id":"evt_y","type":"payment_intent.canceled","schema_version":1,"stream_id":")" + good +
           R"(","stream_version":3,"merchant_id":"m","occurred_at":1,"data":{"cancellation_reason":"duplicate"}})"});
  REQUIRE(second.projector->apply(events).is_ok());
  CHECK(second.projector->quarantined() == 3);
  CHECK(second.projector->watermark().value == last + 3);
  // Every other stream, and everything before the poison, is in the views.
  projections::Queries q(*second.db);
  auto view = q.object("payment_intent", second.merchant.value, good);
  REQUIRE(view.has_value());
  REQUIRE(view->has_value());
  CHECK(nlohmann::json::parse(**view)["status"] == "requires_payment_method");
  // Each quarantined event is recorded with its position and why.
  CHECK(second.why("poison", last + 2).find("no aggregate declares") != std::string::npos);
  // A later, healthy stream still projects.
  api::App& app = *second.app;
  const std::string next =
      id_of(app.call("POST", "/v1/payment_intents", second.merchant, intent(600)));
  REQUIRE(app.runner().wait_for(app.store().last_position(), std::chrono::seconds(10)));
  std::vector<eventstore::StoredEvent> more;
  REQUIRE(app.store().read_all(eventstore::Position{last + 1}, 100, &more).is_ok());
  for (auto& e : more) e.position.value += 3;  // after the three poison positions
  REQUIRE(second.projector->apply(more).is_ok());
  auto next_view = q.object("payment_intent", second.merchant.value, next);
  REQUIRE(next_view.has_value());
  CHECK(next_view->has_value());
}

TEST_CASE("cursor pagination walks forward and back, newest first, per merchant") {
  TempDir dir;
  auto app = open_app(dir.path());
  auto a = app->ensure_key("sk_test_projections_a");
  auto b = app->ensure_key("sk_test_projections_b");
  REQUIRE((a && b));
  std::vector<std::string> created;
  for (int i = 0; i < 25; ++i) {
    created.push_back(id_of(app->call("POST", "/v1/payment_intents", *a, intent(100 + i))));
    (void)app->call("POST", "/v1/payment_intents", *b, intent(100 + i));
  }
  REQUIRE(app->runner().wait_for(app->store().last_position(), std::chrono::seconds(10)));
  projections::Queries q(app->db());
  const std::vector<std::string> newest_first(created.rbegin(), created.rend());

  std::vector<std::string> seen;
  std::optional<std::string> cursor;
  std::vector<bool> more;
  do {
    auto page = q.list(list_of(a->value, 10, cursor));
    REQUIRE(page.has_value());
    seen.insert(seen.end(), page->ids.begin(), page->ids.end());
    more.push_back(page->has_more);
    cursor = page->ids.empty() ? std::nullopt : std::optional(page->ids.back());
    if (!page->has_more) break;
  } while (true);
  CHECK(seen == newest_first);
  CHECK(more == std::vector<bool>{true, true, false});

  auto before = q.list(list_of(a->value, 5, {}, newest_first[12]));
  REQUIRE(before.has_value());
  CHECK(before->ids ==
        std::vector<std::string>(newest_first.begin() + 7, newest_first.begin() + 12));
  CHECK(before->has_more);
  auto first = q.list(list_of(a->value, 5, {}, newest_first[3]));
  REQUIRE(first.has_value());
  CHECK(first->ids == std::vector<std::string>(newest_first.begin(), newest_first.begin() + 3));
  CHECK_FALSE(first->has_more);

  // Another merchant's id is not a cursor here.
  auto foreign = q.list(list_of(b->value, 5, created[0]));
  REQUIRE_FALSE(foreign.has_value());
  CHECK(foreign.error().message() == "starting_after");
}
