#pragma once
// Shared by the session's routes and pages (not a public header of the module).
#include <optional>
#include <string>

#include "api/routes.h"
#include "resources/checkout_sessions/module.h"
#include "resources/payments/card.h"

namespace payledger::checkout_sessions {

// How a rejection is told to an API client; `state` is the session as the decision saw it.
api::ApiError rejection_error(Rejection r, const std::string& id, const State& state);

// POST /v1/checkout/sessions.
api::Outcome create(api::Call& call);

// Expires the open session `id` and cancels its PaymentIntent, in one append. `scheduled`: the
// sweeper's expiry at expires_at (refused before it).
api::Outcome expire_session(api::CommandService& commands, const domain::MerchantId& merchant,
                            const api::IdempotencyWrite* idempotency, const std::string& id,
                            bool scheduled);

// What a customer sends to pay a session (the hosted form, the embedded form, a custom UI).
struct CompletionRequest {
  std::string secret;  // the session's client_secret, or its hosted page's key
  std::string email;
  std::string name;
  std::optional<customers::Shipping> shipping;
  std::string shipping_rate;   // an option's id; "": the default
  std::string payment_method;  // pm_card_..., when no card is sent
  payments::RawCard card;      // card[number] etc.; empty number: none
  bool has_card = false;
};

// Reads a customer's form (flat names: email, name, shipping[address][line1], card[number],
// card[exp] "MM / YY" or card[exp_month] and card[exp_year], card[cvc], payment_method,
// shipping_rate) into `out`. Returns the first problem, naming the parameter.
std::optional<api::ApiError> read_completion(const std::map<std::string, std::string>& form,
                                             CompletionRequest& out);

struct CompletionResult {
  enum class Kind { completed, declined, authenticate, refused };
  Kind kind = Kind::refused;
  std::optional<Session> session;  // as the request left it
  api::ApiError error;             // declined, refused
  std::string redirect_url;        // authenticate: the challenge page
  eventstore::Position position;   // of what the request appended (0: nothing)
};

// Pays session `id` of `merchant` with `request`: decides the completion, updates and confirms
// its PaymentIntent, and appends what happened in one batch: the completion with the order and
// the customer it makes; or the decline alone (the session stays open); or the wait for 3-D
// Secure at `base_url`'s challenge page.
CompletionResult complete(api::CommandService& commands, const domain::MerchantId& merchant,
                          const std::string& id, CompletionRequest& request,
                          const std::string& base_url);

// Ends the 3-D Secure challenge of session `id`: `passed` pays the intent and completes the
// session with what waited; else the intent's payment fails (the session stays open).
CompletionResult finish_authentication(api::CommandService& commands,
                                       const domain::MerchantId& merchant, const std::string& id,
                                       bool passed);

// The session `id` and its merchant, when `secret` opens it (its client_secret, or the key of
// its hosted URL), compared in constant time.
struct Opened {
  domain::MerchantId merchant;
  Session session;
};
Expected<std::optional<Opened>, eventstore::Status> open_session(api::CommandService& commands,
                                                                 const std::string& id,
                                                                 const std::string& secret);

// The customer-facing pages and calls: the hosted page, the embedded form and its script, the
// 3-D Secure challenge, the custom-UI JSON calls.
void add_pages(api::Routes& routes);

// The session as its customer's own UI sees it (GET /v1/payment_pages/{id}): what is bought,
// the amounts, the shipping choices, where it stands; not the merchant's metadata. With a
// `challenge_url`, also the next_action that sends the customer to the 3-D Secure challenge.
std::string render_for_customer(const Session& s, const std::string& merchant_name,
                                std::string_view challenge_url = {});

// The URL a browser is sent to once the session is paid: success_url with its
// {CHECKOUT_SESSION_ID}, else return_url's; "" when it has neither.
std::string completion_url(const Session& s);

}  // namespace payledger::checkout_sessions
