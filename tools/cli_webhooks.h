#pragma once
// `payledger listen` and `payledger trigger`: what `stripe listen` and `stripe trigger` give
// Stripe's users, over payledger's API (docs/webhooks.md, "The CLI").
#include <string>
#include <vector>

namespace payledger::cli {

struct ApiTarget {
  std::string api = "http://127.0.0.1:8080";  // payledgerd's base URL
  std::string key;                            // the merchant's secret key
};

struct ListenOptions {
  ApiTarget target;
  std::string forward_to;           // the merchant's receiver
  std::vector<std::string> events;  // patterns ("payment_intent.*"); empty: every event
  std::string secret;               // signs what is forwarded; empty: a new whsec_ per run
  int poll_ms = 250;
};

// Follows the merchant's events from now on (polling GET /v1/events for those after the last
// seen), signs each with `secret` as Stripe signs and POSTs it to forward_to, printing one line
// per event and one per answer. Rides out payledgerd restarts and a receiver that is down (it
// retries the same event). Runs until interrupted.
int listen(const ListenOptions& options);

// Makes the API calls that cause `event` (payment_intent.succeeded, ...), printing each.
// Returns 0, or 1 when a call failed, or 2 for an event it cannot cause.
int trigger(const ApiTarget& target, const std::string& event);
// The events trigger() can cause.
std::vector<std::string> triggerable_events();

}  // namespace payledger::cli
