#pragma once
// How webhook delivery behaves (docs/webhooks.md).
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace payledger::webhooks {

struct DeliveryOptions {
  // Seconds to wait after each failed attempt before the next one. After the first attempt
  // fails: again at once, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h; when the last fails
  // the delivery has failed (9 attempts in about 38 hours).
  std::vector<std::int64_t> retry_after_seconds = {0, 5, 300, 1800, 7200, 18000, 36000, 36000};
  // A receiver that has not answered 2xx within this has failed the attempt.
  std::chrono::milliseconds attempt_timeout{10'000};
  // Connections (attempts in flight) per endpoint: what bounds the memory and sockets one slow
  // or dead endpoint can take. Endpoints with deliveries waiting share `shared_in_flight`
  // (each gets shared_in_flight / their number, at least 1 and at most
  // max_in_flight_per_endpoint): one busy endpoint may use 8 connections, a hundred use one
  // each, so that a receiver serving many endpoints is not flooded with connections, and every
  // endpoint keeps its own. `max_in_flight` bounds them all.
  int max_in_flight_per_endpoint = 8;
  int shared_in_flight = 64;
  int max_in_flight = 1024;
  // A disabled endpoint's deliveries wait this long before they are looked at again.
  std::int64_t disabled_recheck_seconds = 60;
  std::string user_agent = "payledger-webhooks/1.0";
};

// Metrics (the probe in webhooks/probe.h).
class DeliveryObserver {
 public:
  virtual ~DeliveryObserver() = default;
  // outcome: "succeeded", "retrying" or "failed".
  virtual void attempted(const std::string& outcome, double seconds) = 0;
  // How long the oldest event waiting for `endpoint` has waited (0: none waits).
  virtual void oldest_pending(const std::string& endpoint, double seconds) = 0;
};

}  // namespace payledger::webhooks
