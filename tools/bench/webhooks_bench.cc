// Webhook delivery figures (tools/bench/README.md), against a real payledgerd:
//   fill     makes N endpoints pointing at a receiver, then E customers (customer.created each);
//            run it against payledgerd --no-webhooks to leave a backlog of N x E deliveries.
//   receive  the receiver alone: counts deliveries until it has --expect of them, and prints
//            how fast they came (first to last): the drain rate of that backlog.
//   latency  the receiver in-process, N endpoints, customers created at --rate for --seconds:
//            deliveries per second, and the delay from sending each create to its delivery
//            (p50, p99): append to delivery, HTTP of the create included.
// Prints one JSON line.
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include <fmt/core.h>
#include <simdjson.h>
#include <CLI/CLI.hpp>

#include "percentile.h"

namespace {

using payledger::bench::percentile;
using Clock = std::chrono::steady_clock;

struct Options {
  int port = 8080;
  std::string key = "sk_test_bench";
  int endpoints = 1;
  std::string url;          // fill: where endpoints point
  int customers = 1000;     // fill
  int connections = 8;      // fill, latency: connections creating customers
  int receive_port = 0;     // receive
  std::int64_t expect = 0;  // receive
  double seconds = 5;       // latency; receive: the longest it waits
  double rate = 100;        // latency: customers per second
};

httplib::Client client(const Options& o) {
  httplib::Client c("127.0.0.1", o.port);
  c.set_keep_alive(true);
  c.set_tcp_nodelay(true);
  c.set_read_timeout(30, 0);
  c.set_bearer_token_auth(o.key.c_str());
  return c;
}

// Creates `o.endpoints` endpoints wanting customer.created, at `url` + "/<i>".
bool make_endpoints(const Options& o, const std::string& url) {
  httplib::Client c = client(o);
  for (int i = 0; i < o.endpoints; ++i) {
    auto r = c.Post("/v1/webhook_endpoints",
                    "url=" + url + "/" + std::to_string(i) + "&enabled_events[0]=customer.created",
                    "application/x-www-form-urlencoded");
    if (!r || r->status != 200) {
      fmt::print(stderr, "creating an endpoint: {}\n", r ? r->body : httplib::to_string(r.error()));
      return false;
    }
  }
  return true;
}

// A receiver on loopback that answers 200 to every POST and calls `on_event(body)`.
class Receiver {
 public:
  template <class F>
  Receiver(int port, F on_event) {
    // One thread per connection the sender keeps open: up to 8 per endpoint.
    http_.new_task_queue = [] { return new httplib::ThreadPool(1100); };
    http_.set_tcp_nodelay(true);
    http_.set_keep_alive_max_count(1'000'000);
    http_.Post(R"(/hook/\d+)", [on_event](const httplib::Request& req, httplib::Response& res) {
      on_event(req.body);
      res.set_content("{}", "application/json");
    });
    port_ = port == 0 ? http_.bind_to_any_port("127.0.0.1")
                      : (http_.bind_to_port("127.0.0.1", port) ? port : -1);
    thread_ = std::thread([this] { http_.listen_after_bind(); });
    while (!http_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~Receiver() {
    http_.stop();
    thread_.join();
  }
  int port() const { return port_; }

 private:
  httplib::Server http_;
  int port_ = 0;
  std::thread thread_;
};

int fill(const Options& o) {
  if (!make_endpoints(o, o.url)) return 1;
  std::atomic<int> next{0};
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(o.connections));
  for (int t = 0; t < o.connections; ++t) {
    threads.emplace_back([&] {
      httplib::Client c = client(o);
      while (next++ < o.customers) {
        auto r = c.Post("/v1/customers", "name=Bench", "application/x-www-form-urlencoded");
        if (!r || r->status != 200) ++errors;
      }
    });
  }
  for (auto& t : threads) t.join();
  fmt::print("{{\"customers\":{},\"endpoints\":{},\"errors\":{}}}\n", o.customers, o.endpoints,
             errors.load());
  return errors == 0 ? 0 : 1;
}

int receive(const Options& o) {
  std::atomic<std::int64_t> got{0};
  std::mutex mu;
  Clock::time_point first;
  Clock::time_point last;
  Receiver receiver(o.receive_port, [&](const std::string&) {
    const auto now = Clock::now();
    std::lock_guard lock(mu);
    if (got++ == 0) first = now;
    last = now;
  });
  if (receiver.port() < 0) return 1;
  fmt::print("{{\"listening\":{}}}\n", receiver.port());
  std::fflush(stdout);
  const auto deadline = Clock::now() + std::chrono::duration<double>(o.seconds);
  while (got < o.expect && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::lock_guard lock(mu);
  const double span = std::chrono::duration<double>(last - first).count();
  fmt::print(
      "{{\"deliveries\":{},\"expected\":{},\"seconds\":{:.3f},\"per_second\":{:.0f},"
      "\"errors\":{}}}\n",
      got.load(), o.expect, span, span > 0 ? static_cast<double>(got) / span : 0.0,
      o.expect - got.load());
  return got >= o.expect ? 0 : 1;
}

// The string at `pointer` (RFC 6901) in `json`; "" when `json` is not JSON or has none there.
std::string string_at(const std::string& json, std::string_view pointer) {
  // Each thread's own (receiver and creating threads run this at once), reused. What it parsed
  // lives only until its next parse: hence the copy returned.
  thread_local simdjson::dom::parser parser;
  std::string_view v;
  if (parser.parse(json).at_pointer(pointer).get(v) != simdjson::SUCCESS) return "";
  return std::string(v);
}

int latency(const Options& o) {
  std::mutex mu;
  std::unordered_map<std::string, Clock::time_point> sent;  // customer id -> create sent
  std::vector<double> delays_ms;
  std::vector<std::pair<std::string, Clock::time_point>> early;  // delivered before recorded
  Receiver receiver(0, [&](const std::string& body) {
    const auto now = Clock::now();
    const std::string id = string_at(body, "/data/object/id");
    if (id.empty()) return;
    std::lock_guard lock(mu);
    if (auto it = sent.find(id); it != sent.end()) {
      delays_ms.push_back(std::chrono::duration<double, std::milli>(now - it->second).count());
    } else {
      early.emplace_back(id, now);
    }
  });
  if (!make_endpoints(o, "http://127.0.0.1:" + std::to_string(receiver.port()) + "/hook")) return 1;
  std::atomic<int> errors{0};
  std::atomic<int> created{0};
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration<double>(o.seconds);
  const auto interval = std::chrono::duration<double>(static_cast<double>(o.connections) / o.rate);
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(o.connections));
  for (int t = 0; t < o.connections; ++t) {
    threads.emplace_back([&, t] {
      httplib::Client c = client(o);
      auto due = start + std::chrono::duration_cast<Clock::duration>(interval * t / o.connections);
      for (; due < end; due += std::chrono::duration_cast<Clock::duration>(interval)) {
        std::this_thread::sleep_until(due);
        const auto sent_at = Clock::now();
        auto r = c.Post("/v1/customers", "name=Bench", "application/x-www-form-urlencoded");
        const std::string id = r && r->status == 200 ? string_at(r->body, "/id") : "";
        if (id.empty()) {
          ++errors;
          continue;
        }
        ++created;
        std::lock_guard lock(mu);
        sent[id] = sent_at;
        for (auto it = early.begin(); it != early.end();) {  // delivered before we knew the id
          if (it->first != id) {
            ++it;
            continue;
          }
          delays_ms.push_back(
              std::chrono::duration<double, std::milli>(it->second - sent_at).count());
          it = early.erase(it);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  const std::size_t expected =
      static_cast<std::size_t>(created.load()) * static_cast<std::size_t>(o.endpoints);
  const auto wait_until = Clock::now() + std::chrono::seconds(30);
  for (;;) {
    {
      std::lock_guard lock(mu);
      if (delays_ms.size() >= expected) break;
    }
    if (Clock::now() > wait_until) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::lock_guard lock(mu);
  const double window = std::chrono::duration<double>(end - start).count();
  const std::size_t got = delays_ms.size();
  fmt::print(
      "{{\"endpoints\":{},\"deliveries\":{},\"per_second\":{:.0f},\"p50_ms\":{:.3f},"
      "\"p99_ms\":{:.3f},\"errors\":{}}}\n",
      o.endpoints, got, static_cast<double>(got) / window, percentile(delays_ms, 50),
      percentile(delays_ms, 99),
      errors.load() + static_cast<int>(expected - std::min(expected, got)));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"bench_webhooks: webhook delivery throughput and delay"};
  Options o;
  cli.require_subcommand(1);
  auto* f = cli.add_subcommand("fill", "endpoints and a backlog of customer.created events");
  auto* r = cli.add_subcommand("receive", "count deliveries of a backlog as they come");
  auto* l = cli.add_subcommand("latency", "delay from create to delivery at a fixed rate");
  for (auto* sub : {f, l}) {
    sub->add_option("--port", o.port, "payledgerd's port")->required();
    sub->add_option("--key", o.key)->capture_default_str();
    sub->add_option("--endpoints", o.endpoints)->check(CLI::Range(1, 1000))->capture_default_str();
    sub->add_option("--connections", o.connections)
        ->check(CLI::Range(1, 256))
        ->capture_default_str();
  }
  f->add_option("--url", o.url, "the receiver's base URL (endpoint i gets URL/i)")->required();
  f->add_option("--customers", o.customers)->capture_default_str();
  r->add_option("--port", o.receive_port, "port to listen on")->required();
  r->add_option("--expect", o.expect)->required();
  r->add_option("--seconds", o.seconds, "the longest to wait")->capture_default_str();
  l->add_option("--seconds", o.seconds)->capture_default_str();
  l->add_option("--rate", o.rate, "customers per second")->capture_default_str();
  CLI11_PARSE(cli, argc, argv);
  if (f->parsed()) return fill(o);
  if (r->parsed()) return receive(o);
  return latency(o);
}
