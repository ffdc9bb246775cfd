// payledgerd as a process: kill -9 in the middle of a load loses no acknowledged write, a clean
// SIGTERM stops it, and `payledger replay` rebuilds views that answer exactly as before, even
// when the replay itself is killed midway.
#include <doctest/doctest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "eventstore/codec.h"
#include "eventstore/database.h"
#include "eventstore/event_store.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

using Json = nlohmann::json;

namespace {

const std::string kKey = "sk_test_crash_test_key_1";

using payledger::testing::Child;

Child start_daemon(const std::string& data_dir) {
  return payledger::testing::spawn_server(
      {PAYLEDGERD_PATH, "--data-dir", data_dir, "--listen", "127.0.0.1:0", "--bootstrap-key", kKey,
       "--http-threads", "64"},
      data_dir + "/process.log");
}

httplib::Client client(int port) {
  httplib::Client cli("127.0.0.1", port);
  cli.set_basic_auth(kKey.c_str(), "");
  cli.set_read_timeout(10, 0);
  cli.set_connection_timeout(2, 0);
  return cli;
}

struct Acked {
  std::string status;  // the last acknowledged status
  std::int64_t refunded = 0;
};

// Starts `payledger replay` on `data_dir` and kills it (SIGKILL) after `delay`; returns whether
// the kill ended it (rather than the replay finishing first).
bool kill_replay_after(const std::string& data_dir, std::chrono::milliseconds delay) {
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const std::string log = data_dir + "/replay.log";
    std::FILE* out = std::freopen(log.c_str(), "a", stdout);
    if (out != nullptr) (void)dup2(fileno(out), STDERR_FILENO);
    execl(PAYLEDGER_PATH, PAYLEDGER_PATH, "replay", "--data-dir", data_dir.c_str(), nullptr);
    std::_Exit(127);
  }
  std::this_thread::sleep_for(delay);
  kill(pid, SIGKILL);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  return WIFSIGNALED(status);
}

// Whether GET `path` answers `body` within 10 s (the views may still be catching up).
bool eventually_answers(httplib::Client& cli, const std::string& path, const std::string& body) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    auto got = cli.Get(path.c_str());
    if (got && got->status == 200 && got->body == body) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace

TEST_CASE("kill -9 under load loses no acknowledged write; replay rebuilds the same views") {
  payledger::testing::TempDir dir;
  Child d = start_daemon(dir.path());

  std::mutex mu;
  std::map<std::string, Acked> acked;
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&, t] {
      auto cli = client(d.port());
      for (int i = 0; !stop; ++i) {
        const std::string body =
            R"({"amount":)" + std::to_string(1000 + t) + R"(,"currency":"usd"})";
        auto created = cli.Post("/v1/payment_intents", body, "application/json");
        if (!created || created->status != 200) continue;
        const std::string id = Json::parse(created->body)["id"];
        {
          std::lock_guard lock(mu);
          acked[id].status = "requires_payment_method";
        }
        auto confirmed = cli.Post(("/v1/payment_intents/" + id + "/confirm").c_str(),
                                  R"({"payment_method":"pm_card_visa"})", "application/json");
        if (!confirmed || confirmed->status != 200) continue;
        {
          std::lock_guard lock(mu);
          acked[id].status = "succeeded";
        }
        if (i % 2 == 0) continue;
        auto refund = cli.Post("/v1/refunds", R"({"payment_intent":")" + id + R"(","amount":300})",
                               "application/json");
        if (!refund || refund->status != 200) continue;
        std::lock_guard lock(mu);
        acked[id].refunded += 300;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const int status = d.stop(SIGKILL);
  CHECK(WIFSIGNALED(status));
  stop = true;
  for (auto& c : clients) c.join();
  REQUIRE(acked.size() > 20);

  d = start_daemon(dir.path());
  auto cli = client(d.port());
  std::map<std::string, std::string> bodies;
  for (const auto& [id, want] : acked) {
    CAPTURE(id);
    auto got = cli.Get(("/v1/payment_intents/" + id).c_str());
    REQUIRE(got);
    REQUIRE(got->status == 200);
    const Json pi = Json::parse(got->body);
    const std::string now = pi["status"];
    if (want.status == "succeeded") {
      CHECK((now == "succeeded" || now == "partially_refunded" || now == "refunded"));
      CHECK(pi["amount_received"] == pi["amount"]);
    }
    const std::int64_t refunded =
        pi["charges"]["data"].empty()
            ? 0
            : pi["charges"]["data"][0]["amount_refunded"].get<std::int64_t>();
    // Acknowledged refunds are all there; an unacknowledged one may also have landed.
    CHECK(refunded >= want.refunded);
    CHECK(refunded <= want.refunded + 300);
    CHECK(refunded <= pi["amount_received"].get<std::int64_t>());
    bodies[id] = got->body;
  }
  CHECK(WEXITSTATUS(d.stop(SIGTERM)) == 0);  // clean shutdown

  const std::string replay =
      std::string(PAYLEDGER_PATH) + " replay --data-dir " + dir.path() + " 2>/dev/null";
  REQUIRE(std::system(replay.c_str()) == 0);
  d = start_daemon(dir.path());
  auto after = client(d.port());
  for (const auto& [id, body] : bodies) {
    auto got = after.Get(("/v1/payment_intents/" + id).c_str());
    REQUIRE(got);
    CHECK(got->body == body);
  }
  auto list = after.Get("/v1/payment_intents?limit=100");
  REQUIRE(list);
  // Unacknowledged creates may have landed too, so the list holds at least the acknowledged.
  CHECK(Json::parse(list->body)["data"].size() >= std::min<std::size_t>(100, acked.size()));
  CHECK(WEXITSTATUS(d.stop(SIGTERM)) == 0);

  // A replay writes without the WAL: killed at any moment, it leaves views and a checkpoint
  // from the same batches, and payledgerd projects the rest from there.
  int killed = 0;
  for (const int delay_ms : {10, 40, 120}) {
    CAPTURE(delay_ms);
    if (kill_replay_after(dir.path(), std::chrono::milliseconds(delay_ms))) ++killed;
    d = start_daemon(dir.path());
    auto resumed = client(d.port());
    for (const auto& [id, body] : bodies) {
      CAPTURE(id);
      CHECK(eventually_answers(resumed, "/v1/payment_intents/" + id, body));
    }
    CHECK(WEXITSTATUS(d.stop(SIGTERM)) == 0);
  }
  CHECK(killed > 0);  // at least one replay was cut short
}

TEST_CASE("payments: kill -9 while the test network processes; each is decided exactly once") {
  payledger::testing::TempDir dir;
  std::vector<std::string> acked;
  {
    Child d = start_daemon(dir.path());
    std::mutex mu;
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int t = 0; t < 4; ++t) {
      clients.emplace_back([&, t] {
        auto cli = client(d.port());
        const char* numbers[] = {"4242424242424242", "4000000000009995", "4000000000005126"};
        for (int i = 0; !stop; ++i) {
          const Json body{{"amount", 500 + i},
                          {"currency", "gbp"},
                          {"card",
                           {{"number", numbers[(t + i) % 3]},
                            {"exp_month", 6},
                            {"exp_year", 2032},
                            {"cvc", "999"}}}};
          auto r = cli.Post("/v1/payments", body.dump(), "application/json");
          if (!r || r->status != 200) continue;
          std::lock_guard lock(mu);
          acked.push_back(Json::parse(r->body)["id"]);
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    (void)d.stop(SIGKILL);
    stop = true;
    for (auto& c : clients) c.join();
  }
  REQUIRE(acked.size() > 20);
  {
    // Restarted: every acknowledged payment is decided, the pending ones by the restarted
    // sweeper from the due index.
    Child d = start_daemon(dir.path());
    auto cli = client(d.port());
    for (const std::string& id : acked) {
      std::string status = "pending";
      for (int tries = 0; tries < 1000 && status == "pending"; ++tries) {
        auto r = cli.Get(("/v1/payments/" + id).c_str());
        REQUIRE(r);
        REQUIRE(r->status == 200);
        status = Json::parse(r->body)["status"];
        if (status == "pending") std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      CAPTURE(id);
      CHECK((status == "succeeded" || status == "failed"));
    }
    CHECK(WEXITSTATUS(d.stop(SIGTERM)) == 0);
  }
  // In the log: one payment.created and exactly one decision per payment.
  auto db = payledger::eventstore::Database::open(dir.path());
  REQUIRE(db.has_value());
  payledger::eventstore::EventStore store(**db);
  payledger::eventstore::EnvelopeParser parser;
  for (const std::string& id : acked) {
    std::vector<payledger::eventstore::StoredEvent> events;
    REQUIRE(store.read_stream(id, &events).is_ok());
    std::map<std::string, int> types;
    for (const auto& e : events) {
      payledger::eventstore::EventHeader header;
      payledger::json::Value data;
      REQUIRE(parser.parse(e.payload, &header, &data).is_ok());
      ++types[header.type];
    }
    CAPTURE(id);
    CHECK(types["payment.created"] == 1);
    CHECK(types["payment.succeeded"] + types["payment.failed"] == 1);
    CHECK(events.size() == 2);
  }
}
