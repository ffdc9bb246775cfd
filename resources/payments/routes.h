#pragma once
// Shared by the payment routes and the challenge pages (not a public header of the module).
#include <string>

#include "api/routes.h"
#include "resources/payments/module.h"

namespace payledger::payments {

// How a rejection is told to an API client; `state` is the payment as the decision saw it.
api::ApiError rejection_error(Rejection r, const std::string& id, const State& state);

// Decides `decide(state)` on the payment `id` (new when `fresh`), appends what it decided (again
// on a version conflict) and answers with the payment object it leaves.
template <class Decide>
api::Outcome decide_and(api::CommandService& commands, const domain::MerchantId& merchant,
                        const api::IdempotencyWrite* idempotency, const std::string& id, bool fresh,
                        Decide&& decide) {
  const State* seen = nullptr;
  return api::decide_and_append<Module>(
      commands, merchant, idempotency, id, fresh,
      [&](const State& s) {
        seen = &s;
        return decide(s);
      },
      [&](const std::vector<Event>&, const State& next) {
        return api::Outcome{200, render(*next), {}};
      },
      [&](Rejection r) { return rejection_error(r, id, *seen); });
}

// A reference of the test network's, as a processor's are: ten digits.
std::string provider_reference(api::CommandService& commands);

// The 3-D Secure challenge page: GET shows it, POST completes or fails the authentication and
// sends the browser to the payment's return_url.
void add_challenge_pages(api::Routes& routes);

}  // namespace payledger::payments
