#pragma once
// A webhook receiver for tests: a real HTTP server on loopback that records what it is sent and
// answers what the test tells it to (a status per request, then 200; an optional delay).
#include <httplib.h>

#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace payledger::testing {

struct Received {
  std::string body;
  std::string signature;  // Stripe-Signature
  std::string content_type;
};

class Receiver {
 public:
  // Listens on `port` (0: an ephemeral one).
  explicit Receiver(int port = 0) {
    http_.new_task_queue = [] { return new httplib::ThreadPool(16); };
    // Connections the sender keeps alive must not hold up the receiver's stop for long.
    http_.set_keep_alive_timeout(1);
    http_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::chrono::milliseconds delay{0};
      int status = 200;
      {
        std::lock_guard lock(mu_);
        delay = delay_;
        if (!statuses_.empty()) {
          status = statuses_.front();
          statuses_.pop_front();
        }
      }
      if (delay.count() > 0) std::this_thread::sleep_for(delay);
      {
        std::lock_guard lock(mu_);
        if (status / 100 == 2) {
          received_.push_back({req.body, req.get_header_value("Stripe-Signature"),
                               req.get_header_value("Content-Type")});
        }
        ++requests_;
      }
      res.status = status;
      res.set_content("{}", "application/json");
    });
    port_ = port == 0 ? http_.bind_to_any_port("127.0.0.1") : port;
    if (port != 0) http_.bind_to_port("127.0.0.1", port);
    // Bound already: connections wait in the backlog until the thread accepts them.
    thread_ = std::thread([this] { http_.listen_after_bind(); });
    while (!http_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~Receiver() {
    http_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  int port() const { return port_; }
  // The next requests are answered with these statuses, in order (then 200).
  void answer(std::deque<int> statuses) {
    std::lock_guard lock(mu_);
    statuses_ = std::move(statuses);
  }
  void delay(std::chrono::milliseconds d) {
    std::lock_guard lock(mu_);
    delay_ = d;
  }
  std::vector<Received> received() const {
    std::lock_guard lock(mu_);
    return received_;
  }
  int requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  httplib::Server http_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::deque<int> statuses_;
  std::chrono::milliseconds delay_{0};
  std::vector<Received> received_;
  int requests_ = 0;
};

}  // namespace payledger::testing
