// A small load driver for what wrk cannot do: flows that chain calls (create -> confirm ->
// capture -> refund; a checkout session created, then completed by its customer) and a fixed
// request rate (for latency at a given load). One keep-alive connection per thread (two in
// checkout mode: the merchant's and the customer's). Prints one JSON line.
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fmt/core.h>
#include <simdjson.h>
#include <CLI/CLI.hpp>

#include "percentile.h"

namespace {

using payledger::bench::percentile;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string key = "sk_test_bench";
  std::string mode = "flow";  // flow | create | checkout
  std::string price;          // checkout: the price its sessions sell
  int connections = 16;
  double seconds = 5;
  double rate = 0;  // total requests per second; 0: as fast as possible
};

struct Worker {
  std::vector<double> latencies_ms;
  std::uint64_t errors = 0;
  std::uint64_t flows = 0;
};

// What the flows read of an answer, copied out of it: "" when absent or when the body is not
// JSON (such a 200 still counts as a success, for the calls whose answer no flow reads).
struct Answer {
  std::string id;
  std::string client_secret;
};

class Session {
 public:
  Session(const Options& o, Worker& w)
      : cli_(o.host, o.port), customer_(o.host, o.port), worker_(w) {
    for (httplib::Client* c : {&cli_, &customer_}) {
      c->set_keep_alive(true);
      c->set_tcp_nodelay(true);  // else each POST stalls 40 ms (Nagle + delayed ACK)
      c->set_read_timeout(30, 0);
    }
    cli_.set_bearer_token_auth(o.key.c_str());
  }
  // Returns the answer, or nullopt on an error (counted). Latency counts from `since`: when
  // paced, the time the request was due, so a late start counts against the server too.
  // `timed` false: the call is a step towards the one measured (its latency is not counted).
  std::optional<Answer> post(const std::string& path, const std::string& form,
                             Clock::time_point since = Clock::now(), bool timed = true) {
    return send(cli_, path, form, since, timed);
  }
  // The same as the customer: no API key.
  std::optional<Answer> post_as_customer(const std::string& path, const std::string& form) {
    return send(customer_, path, form, Clock::now(), true);
  }

 private:
  std::optional<Answer> send(httplib::Client& c, const std::string& path, const std::string& form,
                             Clock::time_point start, bool timed) {
    auto r = c.Post(path.c_str(), form, "application/x-www-form-urlencoded");
    if (timed) {
      worker_.latencies_ms.push_back(
          std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
    if (!r || r->status != 200) {
      ++worker_.errors;
      return std::nullopt;
    }
    return read(r->body);
  }

  Answer read(const std::string& body) {
    Answer a;
    simdjson::dom::element doc;
    if (parser_.parse(body).get(doc) != simdjson::SUCCESS) return a;
    std::string_view v;
    if (doc["id"].get(v) == simdjson::SUCCESS) a.id = v;
    if (doc["client_secret"].get(v) == simdjson::SUCCESS) a.client_secret = v;
    return a;
  }

  httplib::Client cli_;
  httplib::Client customer_;
  Worker& worker_;
  // Reused by every answer of this session (one thread's): what it parsed lives only until the
  // next parse, hence the fields copied into an Answer.
  simdjson::dom::parser parser_;
};

void run_flow(Session& s, Worker& w) {
  auto pi = s.post("/v1/payment_intents", "amount=2000&currency=usd&capture_method=manual");
  if (!pi) return;
  if (pi->id.empty()) {  // a 200 without an id: the flow cannot go on
    ++w.errors;
    return;
  }
  const std::string& id = pi->id;
  if (!s.post("/v1/payment_intents/" + id + "/confirm", "payment_method=pm_card_visa")) return;
  if (!s.post("/v1/payment_intents/" + id + "/capture", "")) return;
  if (!s.post("/v1/refunds", "payment_intent=" + id + "&amount=500")) return;
  ++w.flows;
}

// A custom-UI checkout: the merchant creates a session (not measured), its customer pays it
// with a raw test card through /v1/payment_pages (measured: what "complete a session" costs).
void run_checkout(Session& s, Worker& w, const std::string& price) {
  auto cs = s.post(
      "/v1/checkout/sessions",
      "mode=payment&ui_mode=custom&line_items[0][price]=" + price + "&line_items[0][quantity]=1",
      Clock::now(), false);
  if (!cs) return;
  if (cs->id.empty() || cs->client_secret.empty()) {  // a 200 without them: it cannot go on
    ++w.errors;
    return;
  }
  const std::string& id = cs->id;
  const std::string& secret = cs->client_secret;
  if (!s.post_as_customer("/v1/payment_pages/" + id + "/confirm",
                          "client_secret=" + secret +
                              "&email=bench%40example.com&card[number]=4242424242424242"
                              "&card[exp_month]=12&card[exp_year]=2034&card[cvc]=123")) {
    return;
  }
  ++w.flows;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"bench_flow: chained flows and rate-limited load over HTTP"};
  Options o;
  cli.add_option("--host", o.host)->capture_default_str();
  cli.add_option("--port", o.port)->required();
  cli.add_option("--key", o.key)->capture_default_str();
  cli.add_option("--mode", o.mode)
      ->check(CLI::IsMember({"flow", "create", "checkout"}))
      ->capture_default_str();
  cli.add_option("--price", o.price, "checkout: the price its sessions sell");
  cli.add_option("--connections", o.connections)->check(CLI::Range(1, 4096))->capture_default_str();
  cli.add_option("--seconds", o.seconds)->capture_default_str();
  cli.add_option("--rate", o.rate, "total requests per second (0: unlimited)")
      ->capture_default_str();
  CLI11_PARSE(cli, argc, argv);

  std::vector<Worker> workers(static_cast<std::size_t>(o.connections));
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(o.connections));
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration<double>(o.seconds);
  const double per_connection = o.rate / o.connections;
  for (int c = 0; c < o.connections; ++c) {
    threads.emplace_back([&, c] {
      Worker& w = workers[static_cast<std::size_t>(c)];
      Session session(o, w);
      // Open-loop pacing: connection c sends at start + (c + k * connections) / rate, so that
      // requests arrive evenly spaced rather than in bursts of one per connection, and the
      // schedule never waits for a slow call.
      const auto period = std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(per_connection > 0 ? 1.0 / per_connection : 0));
      auto next = start + (per_connection > 0 ? period * c / o.connections : Clock::duration{});
      while (Clock::now() < end) {
        if (per_connection > 0) std::this_thread::sleep_until(next);
        if (o.mode == "flow") {
          run_flow(session, w);
        } else if (o.mode == "checkout") {
          run_checkout(session, w, o.price);
        } else if (per_connection > 0) {
          (void)session.post("/v1/payment_intents", "amount=2000&currency=usd", next);
        } else {
          (void)session.post("/v1/payment_intents", "amount=2000&currency=usd");
        }
        next += period;
      }
    });
  }
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  std::uint64_t errors = 0;
  std::uint64_t flows = 0;
  for (auto& w : workers) {
    all.insert(all.end(), w.latencies_ms.begin(), w.latencies_ms.end());
    errors += w.errors;
    flows += w.flows;
  }
  const double requests = static_cast<double>(all.size());
  fmt::print(
      "{{\"requests\":{},\"errors\":{},\"seconds\":{:.3f},\"rps\":{:.1f},\"flows_per_second\":{:."
      "1f},"
      "\"p50_ms\":{:.3f},\"p99_ms\":{:.3f},\"p999_ms\":{:.3f}}}\n",
      all.size(), errors, seconds, requests / seconds, static_cast<double>(flows) / seconds,
      percentile(all, 50), percentile(all, 99), percentile(all, 99.9));
}
