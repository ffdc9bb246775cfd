// The merchant's routes of checkout sessions: create (create.cc), expire, the line items list;
// and expiry at expires_at as due work.
#include <simdjson.h>

#include "api/command_service.h"
#include "resources/checkout_sessions/internal.h"
#include "resources/payment_intents/intent.h"
#include "resources/payment_intents/module.h"

namespace payledger::checkout_sessions {
namespace {

namespace d = domain;
using api::Call;
using api::Outcome;

Outcome expire(Call& call) {
  if (auto e = call.params.finish()) return api::error_outcome(*e);
  return expire_session(call.commands, call.merchant, call.idempotency, call.path[0], false);
}

// GET /v1/checkout/sessions/{id}/line_items: pages of the list the views keep with the session.
Outcome line_items(api::ReadCall& call) {
  const std::string& id = call.path[0];
  auto found = call.queries.object(std::string(kLineItemsObject), call.merchant.value, id);
  if (!found) return api::storage_failure(found.error());
  if (!*found) return api::error_outcome(api::not_found("checkout.session", id));
  simdjson::dom::parser parser;
  simdjson::dom::array data;
  if (parser.parse(**found).at_key("data").get(data) != simdjson::SUCCESS) {
    return api::error_outcome(api::storage_error("line items of " + id + " are not a list"));
  }
  std::vector<std::pair<std::string, std::string>> items;
  for (const auto item : data) {
    std::string_view item_id;
    if (item["id"].get(item_id) != simdjson::SUCCESS) {
      return api::error_outcome(api::storage_error("a line item of " + id + " has no id"));
    }
    items.emplace_back(std::string(item_id), simdjson::minify(item));
  }
  return api::list_of(items, call.query, "/v1/checkout/sessions/" + id + "/line_items");
}

}  // namespace

api::ApiError rejection_error(Rejection r, const std::string& id, const State& state) {
  using api::invalid_param;
  const std::string status = state ? std::string(d::enum_name(state->status)) : "";
  switch (r) {
    case Rejection::session_missing:
      return api::not_found("checkout.session", id);
    case Rejection::session_exists:
      return api::id_collision();
    case Rejection::line_items_count:
      return invalid_param("line_items", "parameter_invalid",
                           "line_items must hold 1 to 100 items.");
    case Rejection::quantity_invalid:
      return invalid_param("line_items", "parameter_invalid_integer",
                           "Each line item's quantity must be from 1 to 999999.");
    case Rejection::currency_mixed:
      return invalid_param("line_items", "currency_mismatch",
                           "All line items of a session must be in one currency.");
    case Rejection::shipping_options_count:
      return invalid_param("shipping_options", "parameter_invalid",
                           "shipping_options may hold at most 10 options.");
    case Rejection::shipping_currency_mismatch:
      return invalid_param("shipping_options", "currency_mismatch",
                           "Shipping options must be in the line items' currency.");
    case Rejection::amount_invalid:
      return invalid_param("line_items", "amount_invalid",
                           "The session's total must be from 1 to 99999999 (minor units), with "
                           "any of its shipping options.");
    case Rejection::success_url_required:
      return invalid_param("success_url", "parameter_missing",
                           "A hosted session needs a success_url to send the customer to.");
    case Rejection::success_url_not_allowed:
      return invalid_param("success_url", "parameter_invalid",
                           "success_url is for hosted sessions; embedded and custom sessions use "
                           "return_url.");
    case Rejection::return_url_not_allowed:
      return invalid_param("return_url", "parameter_invalid",
                           "return_url is for embedded and custom sessions; hosted sessions use "
                           "success_url.");
    case Rejection::expires_at_too_soon:
      return invalid_param("expires_at", "parameter_invalid_integer",
                           "expires_at must be at least 30 minutes from now (Unix seconds).");
    case Rejection::expires_at_too_late:
      return invalid_param("expires_at", "parameter_invalid_integer",
                           "expires_at must be at most a year from now (Unix seconds).");
    case Rejection::not_open:
      return invalid_param("", "checkout_session_unexpected_state",
                           "This Checkout Session is " + status + ", no longer open.");
    case Rejection::session_expired:
      return invalid_param("", "checkout_session_expired", "This Checkout Session has expired.");
    case Rejection::email_required:
      return invalid_param("email", "parameter_missing", "An email address is required.");
    case Rejection::shipping_rate_unknown:
      return invalid_param("shipping_rate", "parameter_invalid",
                           "shipping_rate must be one of the session's shipping options.");
    case Rejection::shipping_address_required:
      return invalid_param("shipping[address][line1]", "parameter_missing",
                           "A shipping address is required: name, address line, city, postal "
                           "code and country.");
    case Rejection::shipping_country_not_allowed:
      return invalid_param("shipping[address][country]", "country_not_allowed",
                           "The merchant does not ship to this country.");
    case Rejection::no_pending_authentication:
      return invalid_param("", "checkout_session_unexpected_state",
                           "No 3-D Secure authentication waits on this session.");
    case Rejection::not_due:
      break;
  }
  return invalid_param("", "checkout_session_unexpected_state",
                       "The session is " + status + ": " + std::string(name(r)) + ".");
}

Outcome expire_session(api::CommandService& commands, const d::MerchantId& merchant,
                       const api::IdempotencyWrite* idempotency, const std::string& id,
                       bool scheduled) {
  return api::transact(commands, merchant, idempotency, [&](api::Transaction& tx) -> api::Attempt {
    auto loaded = tx.load<Module>(id);
    if (!loaded) return Unexpected{loaded.error()};
    auto now = tx.live_on<Module>(loaded->state);
    if (!now) return Unexpected{now.error()};
    auto decision = decide(loaded->state, ExpireSession{scheduled, *now});
    if (!decision) {
      return Unexpected{rejection_error(decision.error(), id, loaded->state)};
    }
    auto intent = tx.load<payment_intents::Module>(loaded->state->payment_intent.value);
    if (!intent) return Unexpected{intent.error()};
    const auto next = tx.add(*loaded, *decision);
    // The intent is the session's alone (the API refuses to confirm or cancel it), so it is
    // cancelable unless a payment waits in `processing`, which no card does.
    auto canceled = payment_intents::decide(intent->state,
                                            payment_intents::CancelIntent{"abandoned", *now, id});
    if (canceled) (void)tx.add(*intent, *canceled);
    return Outcome{200, render(*next), {}};
  });
}

void Module::routes(api::Routes& routes) {
  const std::string object = "checkout.session";
  routes.add({"POST", "/v1/checkout/sessions", "/v1/checkout/sessions", object, "", create});
  routes.add({"POST", R"(/v1/checkout/sessions/([^/]+)/expire)", "/v1/checkout/sessions/:id/expire",
              object, "cs_", expire});
  routes.add_read({R"(/v1/checkout/sessions/([^/]+)/line_items)",
                   "/v1/checkout/sessions/:id/line_items", object, "cs_", line_items});
  add_pages(routes);
}

bool Module::run_due(api::CommandService& commands, const d::MerchantId& merchant,
                     const std::string& stream_id) {
  return expire_session(commands, merchant, nullptr, stream_id, true).position.value > 0;
}

}  // namespace payledger::checkout_sessions
