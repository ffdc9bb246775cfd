// The write routes of payments: create (raw card data), cancel, refund; and the test network's
// processing as due work. Card numbers live here only as RawCard, in the request's memory.
#include <algorithm>
#include <cctype>

#include "api/command_service.h"
#include "api/routes.h"
#include "api/urls.h"
#include "domain/contact.h"
#include "resources/payments/module.h"
#include "resources/payments/routes.h"

namespace payledger::payments {
namespace {

namespace d = domain;
using api::ApiError;
using api::Call;
using api::Outcome;
using api::Params;

constexpr std::array<std::string_view, 3> kCurrencies = {"eur", "usd", "gbp"};

ApiError card_error(std::string param, std::string code, std::string message) {
  ApiError e = api::invalid_param(std::move(param), std::move(code), std::move(message));
  e.type = "card_error";
  return e;
}

// What the card's rejection tells the client. Never the number itself.
ApiError card_rejection_error(CardRejection r, bool expired_this_year) {
  switch (r) {
    case CardRejection::number_missing:
      return api::invalid_param("card[number]", "parameter_missing",
                                "Missing required param: card[number].");
    case CardRejection::number_malformed:
      return card_error("card[number]", "invalid_number",
                        "card[number] must be 12 to 19 digits, without spaces.");
    case CardRejection::number_luhn:
      return card_error("card[number]", "incorrect_number",
                        "card[number] is not a valid card number (it fails the Luhn check).");
    case CardRejection::exp_month_invalid:
      return card_error("card[exp_month]", "invalid_expiry_month",
                        "card[exp_month] must be an integer from 1 to 12.");
    case CardRejection::exp_year_invalid:
      return card_error("card[exp_year]", "invalid_expiry_year",
                        "card[exp_year] must be a year such as 2030, at most 50 years ahead.");
    case CardRejection::expired:
      return card_error(expired_this_year ? "card[exp_month]" : "card[exp_year]", "expired_card",
                        "The card's expiry date has passed.");
    case CardRejection::cvc_invalid:
      return card_error("card[cvc]", "invalid_cvc",
                        "card[cvc] must be 3 digits (4 for American Express).");
  }
  PL_ASSERT(false, "every card rejection is told");
}

Customer customer_at(Params& p) {
  auto field = [&](const char* key, std::size_t max) {
    return p.string(std::string("customer[") + key + "]", max).value_or("");
  };
  Customer c{field("email", 512), field("first_name", 200), field("last_name", 200),
             field("country", 2), field("phone", 32),       field("address", 500),
             field("city", 200),  field("zip", 20)};
  c.country = domain::upper_code(std::move(c.country));
  return c;
}

std::optional<ApiError> customer_error(const Customer& c) {
  if (!c.email.empty() && !d::plausible_email(c.email)) {
    return api::invalid_param("customer[email]", "email_invalid",
                              "customer[email] must be an address like jenny@example.com.");
  }
  if (!d::valid_country(c.country)) {
    return api::invalid_param(
        "customer[country]", "parameter_invalid",
        "customer[country] must be a two-letter ISO 3166-1 code, such as DE.");
  }
  return std::nullopt;
}

Outcome create(Call& call) {
  Params& p = call.params;
  CreatePayment cmd;
  PaymentCreated& pay = cmd.payment;
  cmd.amount_minor = p.required_integer("amount");
  const std::string currency = p.required_string("currency", 3);
  RawCard card;
  const bool has_card = p.has("card");
  const bool card_object = p.is_object("card");
  card.number = p.string("card[number]", 64).value_or("");
  card.exp_month = p.integer("card[exp_month]");
  card.exp_year = p.integer("card[exp_year]");
  card.cvc = p.string("card[cvc]", 8).value_or("");
  card.holder_name = p.string("card[holder_name]", 200).value_or("");
  pay.customer = customer_at(p);
  pay.description = p.string("description", 500).value_or("");
  pay.metadata = p.metadata("metadata");
  pay.return_url = p.string("return_url", 2048).value_or("");
  if (auto e = p.finish()) return api::error_outcome(*e);
  auto currency_code = d::Currency::parse(currency);
  if (std::find(kCurrencies.begin(), kCurrencies.end(), currency) == kCurrencies.end() ||
      !currency_code) {
    return api::error_outcome(api::invalid_param("currency", "parameter_invalid",
                                                 "currency must be one of eur, usd, gbp."));
  }
  pay.currency = *currency_code;
  if (!has_card) {
    return api::error_outcome(
        api::invalid_param("card", "parameter_missing", "Missing required param: card."));
  }
  if (!card_object) {
    return api::error_outcome(api::invalid_param(
        "card", "parameter_invalid", "card must be an object: number, exp_month, exp_year, cvc."));
  }
  if (!pay.return_url.empty() && !api::acceptable_redirect_url(pay.return_url, {})) {
    return api::error_outcome(
        api::invalid_param("return_url", "url_invalid",
                           "return_url must be an https URL (or http://localhost or "
                           "http://127.0.0.1 for development)."));
  }
  if (auto e = customer_error(pay.customer)) return api::error_outcome(*e);
  api::CommandService& commands = call.commands;
  auto inspected = inspect(card, commands.now());
  if (!inspected) {
    return api::error_outcome(
        card_rejection_error(inspected.error(), expired_in_year_of(card, commands.now())));
  }
  pay.card = inspected->facts;
  pay.card.fingerprint = commands.fingerprint("card", card.number).substr(0, 32);
  pay.network = inspected->profile;
  const std::string id = commands.new_uuid_id("pay");
  pay.id = PaymentId{id};
  if (pay.network.challenges()) {
    pay.challenge_token = commands.new_id("t").substr(2);
    pay.challenge_url =
        call.transport.base_url + "/pay/3ds/" + id + "?token=" + pay.challenge_token;
  }
  return decide_and(call.commands, call.merchant, call.idempotency, id, true,
                    [&](const State& s) { return decide(s, cmd); });
}

template <class Command>
Outcome decide_on_path(Call& call, const Command& cmd) {
  return decide_and(call.commands, call.merchant, call.idempotency, call.path[0], false,
                    [&](const State& s) { return decide(s, cmd); });
}

Outcome cancel(Call& call) {
  if (auto e = call.params.finish()) return api::error_outcome(*e);
  return decide_on_path(call, CancelPayment{});
}

Outcome refund(Call& call) {
  Params& p = call.params;
  RefundPayment cmd;
  cmd.amount_minor = p.integer("amount");
  cmd.reason = p.string("reason", 500).value_or("");
  if (auto e = p.finish()) return api::error_outcome(*e);
  cmd.refund_id = RefundId{call.commands.new_uuid_id("ref")};
  return decide_on_path(call, cmd);
}

}  // namespace

// A reference of the test network's, as a processor's are: ten digits.
std::string provider_reference(api::CommandService& commands) {
  const std::string random = commands.new_id("t").substr(2);
  std::string out;
  for (std::size_t i = 0; out.size() < 10 && i < random.size(); ++i) {
    const char digit = static_cast<char>('0' + static_cast<unsigned char>(random[i]) % 10);
    if (out.empty() && digit == '0') continue;
    out.push_back(digit);
  }
  return out;
}

ApiError rejection_error(Rejection r, const std::string& id, const State& state) {
  const std::string status = state ? std::string(d::enum_name(state->status)) : "";
  switch (r) {
    case Rejection::payment_missing:
      return api::not_found("payment", id);
    case Rejection::amount_invalid:
      return api::invalid_param("amount", "parameter_invalid_integer",
                                "amount must be an integer from 1 to 99999999 (minor units).");
    case Rejection::return_url_required:
      return api::invalid_param("return_url", "parameter_missing",
                                "This card requires 3-D Secure authentication: pass a return_url "
                                "for the customer to come back to.");
    case Rejection::not_cancelable:
      return api::invalid_param("", "payment_unexpected_state",
                                "Only a pending or requires_action payment can be canceled; this "
                                "one is " +
                                    status + ".");
    case Rejection::not_refundable:
      return api::invalid_param(
          "", "payment_unexpected_state",
          "Only a succeeded payment can be refunded; this one is " + status + ".");
    case Rejection::refund_amount_invalid:
      return api::invalid_param("amount", "parameter_invalid_integer",
                                "amount must be an integer from 1 to 99999999 (minor units).");
    case Rejection::fully_refunded:
      return api::invalid_param("", "charge_already_refunded",
                                "This payment has been refunded in full (or is being refunded).");
    case Rejection::refund_exceeds_remaining:
      return api::invalid_param("amount", "amount_too_large",
                                "amount is more than what remains refundable (" +
                                    std::to_string(state ? state->refundable().minor() : 0) + ").");
    case Rejection::payment_exists:
      return api::id_collision();
    case Rejection::challenge_token_invalid:
    case Rejection::not_pending:
    case Rejection::not_awaiting_action:
    case Rejection::action_expired:
    case Rejection::not_due:
    case Rejection::no_pending_refund:
      break;
  }
  return api::invalid_param("", "payment_unexpected_state",
                            "The payment is " + status + ": " + std::string(name(r)) + ".");
}

void Module::routes(api::Routes& routes) {
  const std::string object = "payment";
  routes.add({"POST", "/v1/payments", "/v1/payments", object, "", create, "card"});
  routes.add({"POST", R"(/v1/payments/([^/]+)/cancel)", "/v1/payments/:id/cancel", object, "pay_",
              cancel});
  routes.add({"POST", R"(/v1/payments/([^/]+)/refund)", "/v1/payments/:id/refund", object, "pay_",
              refund});
  add_challenge_pages(routes);
}

bool Module::run_due(api::CommandService& commands, const d::MerchantId& merchant,
                     const std::string& stream_id) {
  const d::UnixSeconds now = commands.now();
  // The work is chosen on the state each attempt loads: one read of the stream, not two.
  const api::Outcome o = decide_and(
      commands, merchant, nullptr, stream_id, false, [&](const payments::State& s) -> Decision {
        if (!s) return Unexpected{Rejection::payment_missing};
        if (s->status == Status::pending) {
          return decide(s, ProcessPayment{provider_reference(commands), now,
                                          commands.setting(kChallengeTimeoutSetting)});
        }
        if (s->status == Status::requires_action) return decide(s, ExpirePayment{now});
        return decide(s, SettleRefunds{});
      });
  return o.position.value > 0;
}

}  // namespace payledger::payments
