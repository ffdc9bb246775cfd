// `payledger verify` and `payledger reconcile` against a real log a real server wrote: a clean log
// verifies, and each kind of tampering done behind payledger's back (a changed byte, a deleted
// event, two swapped, the last one cut, a rewritten chain, a forged amount with its hashes
// recomputed, a stream index entry removed) is named at the first position it breaks.
#include <doctest/doctest.h>
#include <rocksdb/db.h>
#include <rocksdb/iterator.h>
#include <rocksdb/write_batch.h>

#include <filesystem>
#include <functional>
#include <string>

#include "eventstore/chain.h"
#include "eventstore/database.h"
#include "eventstore/event_store.h"
#include "finance/reconcile.h"
#include "finance/verify.h"
#include "projections/view_store.h"
#include "resources/registry.h"
#include "tests/support/test_server.h"

using namespace payledger;
using payledger::testing::Json;
using payledger::testing::Reply;
using payledger::testing::Server;
using payledger::testing::ServerConfig;
using payledger::testing::TempDir;

namespace {

// A log with intents captured and refunded and a direct payment refunded: returns its events.
std::uint64_t write_workload(const std::string& dir) {
  ServerConfig config;
  config.data_dir = dir;
  Server s(config);
  for (int i = 0; i < 4; ++i) {
    Reply pi = s.post("/v1/payment_intents", {{"amount", 1000 + i},
                                              {"currency", "usd"},
                                              {"payment_method", "pm_card_visa"},
                                              {"confirm", true}});
    REQUIRE(pi.status == 200);
    REQUIRE(s.post("/v1/refunds", {{"payment_intent", pi.body["id"]}, {"amount", 100}}).status ==
            200);
  }
  // Waits for the views to show every write (read-your-writes), as reconcile compares them.
  REQUIRE(s.app().runner().wait_for(s.app().store().last_position(), std::chrono::seconds(10)));
  return s.app().store().last_position().value;
}

// A copy of the stopped server's data directory, opened as payledgerd would open it.
struct Copy {
  TempDir dir;
  std::unique_ptr<eventstore::Database> db;
  explicit Copy(const std::string& from) {
    std::filesystem::copy(from, dir.path(),
                          std::filesystem::copy_options::recursive |
                              std::filesystem::copy_options::overwrite_existing);
    auto opened = eventstore::Database::open(dir.path());
    REQUIRE(opened.has_value());
    db = std::move(*opened);
  }
  std::string event(std::uint64_t p) const {
    std::string v;
    REQUIRE(db->db()->Get({}, db->log(), eventstore::event_key(eventstore::Position{p}), &v).ok());
    return v;
  }
  void put_event(std::uint64_t p, const std::string& v) const {
    REQUIRE(db->db()->Put({}, db->log(), eventstore::event_key(eventstore::Position{p}), v).ok());
  }
  // What someone who knows the chain would do after a change: recompute every hash from `from`.
  void rehash_from(std::uint64_t from, std::uint64_t last) const {
    eventstore::ChainHash h{};
    REQUIRE(eventstore::read_chain_hash(*db, from - 1, &h).is_ok());
    for (std::uint64_t p = from; p <= last; ++p) {
      h = eventstore::chain_next(h, p, event(p));
      REQUIRE(db->db()
                  ->Put({}, db->log(), eventstore::chain_key(p),
                        std::string(reinterpret_cast<const char*>(h.data()), h.size()))
                  .ok());
    }
  }
  finance::VerifyReport verify(const finance::VerifyOptions& options = {}) const {
    auto report = finance::verify_log(*db, resources::registry(), options);
    REQUIRE(report.has_value());
    return *report;
  }
};

std::uint64_t position_of(const Copy& c, std::uint64_t last, const std::string& type) {
  for (std::uint64_t p = 1; p <= last; ++p) {
    if (c.event(p).find("\"type\":\"" + type + "\"") != std::string::npos) return p;
  }
  FAIL("no event of type " << type);
  return 0;
}

}  // namespace

TEST_CASE("verify: a clean log, and each tampering named at its first position") {
  TempDir original;
  const std::uint64_t last = write_workload(original.path());
  REQUIRE(last > 10);
  const std::uint64_t middle = last / 2;

  std::string head;
  SUBCASE("a clean log verifies, and prints its head") {
    Copy c(original.path());
    const finance::VerifyReport r = c.verify();
    CHECK(r.ok());
    CHECK(r.events == last);
    CHECK(r.head_position == last);
    CHECK(r.movements == 8);  // four captures, four refunds
    CHECK(r.streams >= 4);
    eventstore::ChainHash stored{};
    REQUIRE(eventstore::read_chain_hash(*c.db, last, &stored).is_ok());
    CHECK(r.head_hash == eventstore::chain_hex(stored));
    finance::VerifyOptions anchored;
    anchored.expect_head = {last, r.head_hash};
    CHECK(c.verify(anchored).ok());
  }
  SUBCASE("one byte of one event changed") {
    Copy c(original.path());
    std::string e = c.event(middle);
    const auto at = e.find("\"occurred_at\":") + 15;
    e[at] = e[at] == '1' ? '2' : '1';
    c.put_event(middle, e);
    const finance::VerifyReport r = c.verify();
    CHECK(r.first_broken == middle);
    REQUIRE(r.problems.size() == 1);  // only there: the chain goes on from the stored hash
    CHECK(r.problems[0].find("does not match its hash") != std::string::npos);
  }
  SUBCASE("an event deleted") {
    Copy c(original.path());
    REQUIRE(c.db->db()
                ->Delete({}, c.db->log(), eventstore::event_key(eventstore::Position{middle}))
                .ok());
    const finance::VerifyReport r = c.verify();
    CHECK(r.first_broken == middle);
    CHECK(r.problems[0].find("missing") != std::string::npos);
  }
  SUBCASE("two events swapped") {
    Copy c(original.path());
    const std::string a = c.event(middle);
    const std::string b = c.event(last - 1);
    c.put_event(middle, b);
    c.put_event(last - 1, a);
    const finance::VerifyReport r = c.verify();
    CHECK(r.first_broken == middle);
    CHECK(r.problems.size() >= 2);
  }
  SUBCASE("the last event cut off") {
    Copy c(original.path());
    REQUIRE(c.db->db()
                ->Delete({}, c.db->log(), eventstore::event_key(eventstore::Position{last}))
                .ok());
    const finance::VerifyReport r = c.verify();
    CHECK(r.first_broken == last);
  }
  SUBCASE("an event changed and the chain recomputed: only the anchored head tells") {
    Copy c(original.path());
    const finance::VerifyReport before = c.verify();
    std::string e = c.event(middle);
    const auto at = e.find("\"occurred_at\":") + 15;
    e[at] = e[at] == '1' ? '2' : '1';
    c.put_event(middle, e);
    c.rehash_from(middle, last);
    CHECK(c.verify().ok());  // consistent with itself...
    finance::VerifyOptions anchored;
    anchored.expect_head = {last, before.head_hash};
    const finance::VerifyReport r = c.verify(anchored);
    CHECK(r.first_broken == last);  // ...but not with the head kept elsewhere
  }
  SUBCASE("a refund's amount forged, hashes recomputed: the invariant breaks there") {
    Copy c(original.path());
    const std::uint64_t refund = position_of(c, last, "refund.created");
    std::string e = c.event(refund);
    const auto at = e.find("\"amount\":100,");
    REQUIRE(at != std::string::npos);
    e.replace(at, 13, "\"amount\":90000,");
    c.put_event(refund, e);
    c.rehash_from(refund, last);
    const finance::VerifyReport r = c.verify();
    CHECK(r.first_broken == refund);
    REQUIRE_FALSE(r.problems.empty());
    CHECK(r.problems[0].find("amount_refunded") != std::string::npos);
  }
  SUBCASE("a stream index entry removed") {
    Copy c(original.path());
    const std::uint64_t refund = position_of(c, last, "refund.created");
    const Json e = Json::parse(c.event(refund));
    REQUIRE(c.db->db()
                ->Delete({}, c.db->log(),
                         eventstore::stream_index_key(e["stream_id"], e["stream_version"]))
                .ok());
    CHECK(c.verify().first_broken == refund);
  }
}

namespace {

finance::ReconcileReport reconcile(const Copy& c, const finance::ReconcileOptions& options = {}) {
  auto report = finance::reconcile(*c.db, resources::registry(), options);
  REQUIRE(report.has_value());
  return *report;
}

// The first key of the views under `prefix`.
std::string first_view_key(const Copy& c, const std::string& prefix) {
  std::unique_ptr<rocksdb::Iterator> it(
      c.db->db()->NewIterator({}, projections::views_family(*c.db)));
  it->Seek(prefix);
  REQUIRE((it->Valid() && it->key().starts_with(prefix)));
  return it->key().ToString();
}

}  // namespace

TEST_CASE("reconcile: the log's totals against the ledger, the balances and every document") {
  TempDir original;
  const std::uint64_t last = write_workload(original.path());
  Copy c(original.path());
  const finance::ReconcileReport clean = reconcile(c);
  CHECK(clean.ok());
  CHECK(clean.position == last);
  CHECK(clean.views_compared);
  CHECK(clean.documents_compared >= 12);  // 4 intents, 4 charges, 4 refunds
  REQUIRE(clean.log.size() == 1);
  const finance::MoneyTotals& usd = clean.log.begin()->second;
  CHECK(clean.log.begin()->first.second == "usd");
  CHECK(usd.gross_minor == 1000 + 1001 + 1002 + 1003);
  CHECK(usd.refunded_minor == 400);
  CHECK(usd.transactions == 8);
  CHECK(clean.ledger == clean.log);
  CHECK(clean.balance_minor.begin()->second == usd.net_minor());
  CHECK(clean.counts.at({clean.log.begin()->first.first, "payment_intent", "partially_refunded"}) ==
        4);

  SUBCASE("at an earlier position, or before anything happened") {
    finance::ReconcileOptions options;
    options.position = last / 2;
    const finance::ReconcileReport r = reconcile(c, options);
    CHECK(r.ok());
    CHECK_FALSE(r.views_compared);
    CHECK(r.log == r.ledger);
    finance::ReconcileOptions before;
    before.at = testing::kT0 - 1;
    const finance::ReconcileReport none = reconcile(c, before);
    CHECK(none.ok());
    CHECK(none.log.empty());
  }
  SUBCASE("a document of the views changed") {
    const std::string key = first_view_key(c, "b/payment_intent");
    REQUIRE(c.db->db()->Put({}, projections::views_family(*c.db), key, R"({"id":"forged"})").ok());
    const finance::ReconcileReport r = reconcile(c);
    REQUIRE(r.differences.size() == 1);
    CHECK(r.differences[0].find("the views show it otherwise") != std::string::npos);
  }
  SUBCASE("an account total changed") {
    const std::string key = first_view_key(c, "k/");
    REQUIRE(c.db->db()
                ->Put({}, projections::views_family(*c.db), key,
                      R"({"debits":0,"credits":1,"transactions":1})")
                .ok());
    CHECK_FALSE(reconcile(c).ok());
  }
  SUBCASE("a balance transaction lost from the journal") {
    REQUIRE(c.db->db()->Delete({}, projections::views_family(*c.db), first_view_key(c, "j/")).ok());
    const finance::ReconcileReport r = reconcile(c);
    REQUIRE_FALSE(r.ok());
    CHECK(r.differences[0].find("the balance transactions") != std::string::npos);
  }
}
