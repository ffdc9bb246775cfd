// Power loss, not just kill -9: payledgerd (the in-process App over a real RocksDB and a real
// HTTP server) runs an append-heavy load in a child process whose files go through
// PowerCutFileSystem, which keeps every unsynced write in the process's memory. SIGKILL at a
// random moment then drops what a power cut drops. After each cut, on the real files:
//   - every acknowledged write is there (an answer 200 means synced),
//   - nothing unacknowledged is half there: the hash chain, stream index and money invariants
//     hold (verify) and the balance, its transactions and every document agree (reconcile),
//   - the views the restarted server built equal a replay of the log from position 0.
// PAYLEDGER_POWER_SEED replays a run. Built as test_power_loss_mutant, over an event store that
// acknowledges without syncing the WAL, it passes only if it catches a lost write: the proof
// that these checks can fail.
#include <doctest/doctest.h>

#include <rocksdb/db.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "finance/reconcile.h"
#include "finance/verify.h"
#include "projections/projector.h"
#include "projections/runner.h"
#include "projections/view_store.h"
#include "tests/support/power_cut_fs.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_server.h"

namespace {

using payledger::testing::Json;
using payledger::testing::Server;
using payledger::testing::ServerConfig;
namespace es = payledger::eventstore;

// Built so (test_power_loss_mutant) against the event store of PAYLEDGER_MUTANT_NO_SYNC.
constexpr bool expect_loss() {
#ifdef PAYLEDGER_EXPECT_LOSS
  return true;
#else
  return false;
#endif
}

std::uint64_t seed() {
  if (const char* v = std::getenv("PAYLEDGER_POWER_SEED")) return std::strtoull(v, nullptr, 10);
  return std::random_device{}();
}

// One acknowledged write, as the child tells it: "C id" (created), "S id" (succeeded),
// "R id" (300 refunded).
void tell(int fd, char what, const std::string& id) {
  const std::string line = std::string(1, what) + " " + id + "\n";
  // Shorter than PIPE_BUF: one write, never interleaved with another thread's.
  PL_ASSERT(write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()),
            "the parent reads every acknowledgement");
}

constexpr const char* kTestName =
    "a power cut under load loses no acknowledged write and leaves nothing half written";
constexpr const char* kChildDir = "PAYLEDGER_POWER_CHILD_DIR";
constexpr const char* kChildFd = "PAYLEDGER_POWER_CHILD_FD";

// The child: payledgerd over the power-cut file system, four clients acknowledging to `fd`.
[[noreturn]] void run_load(const std::string& dir, int fd) {
  auto env = payledger::testing::power_cut_env();
  ServerConfig config;
  config.data_dir = dir;
  config.env = env.get();
  Server s(config);
  tell(fd, 'U', "up");
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      for (int i = 0;; ++i) {
        auto created = s.post("/v1/payment_intents", {{"amount", 1000 + t}, {"currency", "usd"}});
        if (created.status != 200) continue;
        const std::string id = created.body["id"];
        tell(fd, 'C', id);
        auto confirmed =
            s.post("/v1/payment_intents/" + id + "/confirm", {{"payment_method", "pm_card_visa"}});
        if (confirmed.status != 200) continue;
        tell(fd, 'S', id);
        if (i % 2 == 0) continue;
        if (s.post("/v1/refunds", {{"payment_intent", id}, {"amount", 300}}).status == 200) {
          tell(fd, 'R', id);
        }
      }
    });
  }
  for (auto& c : clients) c.join();
  std::_Exit(0);
}

struct Acked {
  bool succeeded = false;
  std::int64_t refunded = 0;
};

// Runs the load in a child and cuts its power `after` the server is up; adds what it
// acknowledged to `acked`. Returns how many writes were acknowledged.
std::size_t load_and_cut(const std::string& dir, std::chrono::milliseconds after,
                         std::map<std::string, Acked>& acked) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  // The child is this test binary run afresh (fork, then exec): a fork alone would inherit the
  // parent's RocksDB thread pools without their threads. Everything exec needs is made first.
  std::vector<std::string> env_strings = {std::string(kChildDir) + "=" + dir,
                                          std::string(kChildFd) + "=" + std::to_string(fds[1])};
  for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string filter = std::string("--test-case=") + kTestName;
  std::string self = "/proc/self/exe";
  char* argv[] = {self.data(), filter.data(), nullptr};
  std::fflush(nullptr);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    execve(self.c_str(), argv, envp.data());
    std::_Exit(127);
  }
  close(fds[1]);
  FILE* in = fdopen(fds[0], "r");
  REQUIRE(in != nullptr);
  std::thread cutter;
  std::size_t count = 0;
  char line[256];
  while (std::fgets(line, sizeof line, in) != nullptr) {
    std::istringstream words(line);
    char what = 0;
    std::string id;
    words >> what >> id;
    if (what == 'U') {
      cutter = std::thread([pid, after] {
        std::this_thread::sleep_for(after);
        kill(pid, SIGKILL);  // the power cut: the child's unsynced writes die with it
      });
      continue;
    }
    ++count;
    if (what == 'S') acked[id].succeeded = true;
    if (what == 'R') acked[id].refunded += 300;
    if (what == 'C') (void)acked[id];
  }
  std::fclose(in);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  if (cutter.joinable()) cutter.join();
  REQUIRE_MESSAGE(WIFSIGNALED(status), "the child ran until the cut");
  return count;
}

std::map<std::string, std::string> views_snapshot(const es::Database& db) {
  std::map<std::string, std::string> out;
  std::unique_ptr<rocksdb::Iterator> it(
      db.db()->NewIterator(rocksdb::ReadOptions(), payledger::projections::views_family(db)));
  for (it->SeekToFirst(); it->Valid(); it->Next())
    out[it->key().ToString()] = it->value().ToString();
  return out;
}

// What the restarted server shows of the acknowledged writes; counts those missing.
std::size_t missing_writes(const Server& s, const std::map<std::string, Acked>& acked) {
  std::size_t missing = 0;
  for (const auto& [id, want] : acked) {
    const auto got = s.get("/v1/payment_intents/" + id);
    if (got.status != 200) {
      MESSAGE("acknowledged, then lost: " << id << " (" << got.status << ")");
      ++missing;
      continue;
    }
    const std::string status = got.body["status"];
    const bool paid =
        status == "succeeded" || status == "partially_refunded" || status == "refunded";
    if (want.succeeded && !paid) {
      MESSAGE("acknowledged succeeded, then lost: " << id << " is " << status);
      ++missing;
    }
    const Json& charges = got.body["charges"]["data"];
    const std::int64_t refunded =
        charges.empty() ? 0 : charges[0]["amount_refunded"].get<std::int64_t>();
    // An unacknowledged refund may have landed too, whole.
    if (refunded < want.refunded || refunded > want.refunded + 300) {
      MESSAGE("refunds of " << id << ": " << refunded << ", acknowledged " << want.refunded);
      ++missing;
    }
  }
  return missing;
}

// The money checks and the views against a replay, on the restarted server's database.
void check_log_and_views(Server& s) {
  auto& app = s.app();
  REQUIRE(app.runner().wait_for(app.store().last_position(), std::chrono::seconds(20)));
  auto verified = payledger::finance::verify_log(app.db(), app.registry(), {});
  REQUIRE(verified.has_value());
  for (const auto& p : verified->problems) MESSAGE("verify: " << p);
  CHECK(verified->ok());
  auto reconciled = payledger::finance::reconcile(app.db(), app.registry(), {});
  REQUIRE(reconciled.has_value());
  for (const auto& d : reconciled->differences) MESSAGE("reconcile: " << d);
  CHECK(reconciled->ok());
  CHECK(reconciled->views_compared);

  // The replay goes into a database of its own: the server's threads keep reading its views,
  // which a reset under them would pull away.
  payledger::testing::TempDir replay_dir;
  auto replayed = es::Database::open(replay_dir.path(), nullptr,
                                     {std::string(payledger::projections::kViewsFamily)});
  REQUIRE(replayed.has_value());
  REQUIRE(payledger::projections::ensure_view_format(**replayed).is_ok());
  payledger::projections::Projector projector(**replayed, app.registry());
  std::vector<es::StoredEvent> batch;
  for (std::uint64_t next = 1; next <= app.store().last_position().value; next += batch.size()) {
    REQUIRE(app.store().read_all(es::Position{next}, 64, &batch).is_ok());
    REQUIRE(projector.apply(batch).is_ok());
  }
  CHECK(views_snapshot(**replayed) == views_snapshot(app.db()));
}

}  // namespace

TEST_CASE(kTestName) {
  if (const char* child_dir = std::getenv(kChildDir)) {
    // The child run: a failed REQUIRE must not fall through into the parent's checks.
    try {
      run_load(child_dir, std::atoi(std::getenv(kChildFd)));
    } catch (...) {
      std::_Exit(2);
    }
  }
  const std::uint64_t run_seed = seed();
  MESSAGE("PAYLEDGER_POWER_SEED=" << run_seed);
  std::mt19937_64 random(run_seed);
  payledger::testing::TempDir dir;
  std::map<std::string, Acked> acked;
  std::size_t lost = 0;
  const int cuts = expect_loss() ? 3 : 5;
  for (int cut = 0; cut < cuts; ++cut) {
    const std::chrono::milliseconds after{200 + static_cast<int>(random() % 600)};
    const std::size_t told = load_and_cut(dir.path(), after, acked);
    MESSAGE("cut " << cut << " after " << after.count() << " ms: " << told
                   << " writes acknowledged");
    CHECK(told > 0);
    ServerConfig config;
    config.data_dir = dir.path();
    Server s(config);
    lost += missing_writes(s, acked);
    if constexpr (!expect_loss()) check_log_and_views(s);
  }
  if constexpr (expect_loss()) {
    CHECK_MESSAGE(lost > 0, "without the sync before the acknowledgement, writes must be lost");
  } else {
    CHECK(lost == 0);
  }
}
