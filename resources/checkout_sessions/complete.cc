// Paying a session: the customer's form read, the card checked once (its number goes no
// further than this file's functions), and the completion decided with the PaymentIntent's
// payment, appended in one batch with the order and the customer it makes.
#include <algorithm>
#include <functional>

#include "api/command_service.h"
#include "domain/contact.h"
#include "resources/checkout_sessions/internal.h"
#include "resources/customers/module.h"
#include "resources/orders/module.h"
#include "resources/payment_intents/errors.h"
#include "resources/payment_intents/intent.h"
#include "resources/payment_intents/module.h"
#include "resources/payment_intents/test_cards.h"

namespace payledger::checkout_sessions {
namespace {

namespace d = domain;
using api::ApiError;
using api::Outcome;
using Form = std::map<std::string, std::string>;

std::string field(const Form& form, const std::string& name, std::size_t max_bytes = 512) {
  auto it = form.find(name);
  if (it == form.end()) return {};
  std::string v = it->second.substr(0, max_bytes);
  const auto first = v.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return v.substr(first, v.find_last_not_of(" \t") - first + 1);
}

std::optional<std::int64_t> digits_value(const std::string& s) {
  if (s.empty() || s.size() > 4 ||
      !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return std::stoll(s);
}

// "MM / YY", "MM/YY", "MM/YYYY" as browsers autofill cc-exp.
void read_expiry(const std::string& exp, payments::RawCard& card) {
  const auto slash = exp.find('/');
  if (slash == std::string::npos) return;
  auto trim = [](std::string s) {
    s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
    return s;
  };
  card.exp_month = digits_value(trim(exp.substr(0, slash)));
  card.exp_year = digits_value(trim(exp.substr(slash + 1)));
}

std::optional<ApiError> read_shipping(const Form& form, CompletionRequest& r) {
  const std::string line1 = field(form, "shipping[address][line1]");
  const std::string country = field(form, "shipping[address][country]", 8);
  if (line1.empty() && country.empty() && field(form, "shipping[name]").empty()) {
    return std::nullopt;
  }
  customers::Shipping s;
  s.name = field(form, "shipping[name]", 200);
  if (s.name.empty()) s.name = r.name;
  s.address.line1 = line1;
  s.address.line2 = field(form, "shipping[address][line2]");
  s.address.city = field(form, "shipping[address][city]", 200);
  s.address.state = field(form, "shipping[address][state]", 200);
  s.address.postal_code = field(form, "shipping[address][postal_code]", 20);
  s.address.country = d::upper_code(country);
  for (const auto& [param, value] :
       {std::pair<std::string, const std::string*>{"shipping[name]", &s.name},
        {"shipping[address][line1]", &s.address.line1},
        {"shipping[address][city]", &s.address.city},
        {"shipping[address][postal_code]", &s.address.postal_code},
        {"shipping[address][country]", &s.address.country}}) {
    if (value->empty()) {
      return api::invalid_param(param, "parameter_missing",
                                "Missing required param: " + param + ".");
    }
  }
  if (!d::valid_country(s.address.country)) {
    return api::invalid_param("shipping[address][country]", "parameter_invalid",
                              "The country must be a two-letter ISO 3166-1 code, such as US.");
  }
  r.shipping = std::move(s);
  return std::nullopt;
}

ApiError card_error(const std::string& param, const std::string& code, const std::string& message) {
  ApiError e = api::invalid_param(param, code, message);
  e.http_status = 402;
  e.type = "card_error";
  return e;
}

// What a card's rejection tells the customer. Never the number itself.
ApiError card_rejection_error(payments::CardRejection r) {
  using R = payments::CardRejection;
  switch (r) {
    case R::number_missing:
    case R::number_malformed:
    case R::number_luhn:
      return card_error("card[number]", "incorrect_number", "Your card number is incorrect.");
    case R::exp_month_invalid:
    case R::exp_year_invalid:
      return card_error("card[exp]", "invalid_expiry", "Your card's expiry date is incomplete.");
    case R::expired:
      return card_error("card[exp]", "expired_card", "Your card has expired.");
    case R::cvc_invalid:
      return card_error("card[cvc]", "invalid_cvc", "Your card's security code is incomplete.");
  }
  PL_ASSERT(false, "every card rejection is told");
}

// The test network's payment method for a card as the payments' test table describes it.
std::string payment_method_for(const payments::InspectedCard& card) {
  using B = payments::Behavior;
  switch (card.profile.behavior) {
    case B::approve:
    case B::approve_refunds_fail: {
      const std::string& brand = card.facts.brand;
      if (brand == "mastercard" || brand == "amex" || brand == "discover")
        return "pm_card_" + brand;
      return "pm_card_visa";
    }
    case B::challenge:
      return "pm_card_threeDSecureRequired";
    case B::decline: {
      const std::string& code = card.profile.decline_code;
      if (code == "insufficient_funds") return "pm_card_insufficientFunds";
      if (code == "lost_card") return "pm_card_lostCard";
      if (code == "expired_card") return "pm_card_expired";
      return "pm_card_chargeDeclined";
    }
    case B::challenge_always_fails:
    case B::challenge_not_supported:
    case B::challenge_error:
      return "pm_card_chargeDeclined";
  }
  PL_ASSERT(false, "every behavior has a payment method");
}

CompletionResult refused(ApiError e) {
  CompletionResult r;
  r.kind = CompletionResult::Kind::refused;
  r.error = std::move(e);
  return r;
}

// A declined payment as the customer is told it (402), from the intent's last error.
ApiError decline_error(const payment_intents::PaymentIntent& intent) {
  ApiError e;
  e.http_status = 402;
  e.type = "card_error";
  e.param = "payment_method";
  if (intent.last_payment_error) {
    e.code = intent.last_payment_error->code;
    e.message = intent.last_payment_error->message;
    if (!intent.last_payment_error->decline_code.empty()) {
      e.add_text("decline_code", intent.last_payment_error->decline_code);
    }
  }
  return e;
}

// Ids a completion may need, made once per request.
struct Made {
  std::string customer, order, charge;
  std::string abandoned_charge;  // of a challenge a new payment replaces
};

struct Completing {
  api::CommandService& commands;
  const d::MerchantId& merchant;
  const std::string& id;
  const Made& made;
  CompletionResult& result;
};

// The completion's own events beside the payment: the order (order mode), the customer made
// for it (customer_creation=always) and the intent's customer.
void stage_completion(Completing& a, api::Transaction& tx, const api::Loaded<Module>& session,
                      const std::vector<Event>& completion,
                      const api::Loaded<payment_intents::Module>& intent,
                      std::vector<payment_intents::Event> paid, d::UnixSeconds now) {
  const Session& s = *session.state;
  const auto& done = std::get<SessionCompleted>(completion.front());
  const bool made_customer = s.customer.empty() && !done.customer.empty();
  if (made_customer) {
    const auto at = api::after(intent, paid, a.merchant, now);
    payment_intents::UpdateIntent update;
    update.customer = done.customer;
    update.now = now;
    update.checkout_session = s.id.value;
    auto updated = payment_intents::decide(at.state, update);
    PL_ASSERT(updated.has_value(), "a paid intent takes its customer");
    paid.insert(paid.end(), updated->begin(), updated->end());
    customers::Profile profile;
    profile.email = done.customer_details.email;
    profile.name = done.customer_details.name;
    profile.shipping = done.shipping_details;
    auto customer = customers::decide(
        std::nullopt, customers::CreateCustomer{customers::CustomerId{done.customer}, profile});
    PL_ASSERT(customer.has_value(), "a new customer id is free");
    (void)tx.add(api::Loaded<customers::Module>{done.customer, 0, std::nullopt}, *customer);
  }
  if (s.mode == Mode::order) {
    auto order = orders::decide(std::nullopt, orders::CreateOrder{order_of(s, done, done.order)});
    PL_ASSERT(order.has_value(), "a completion's order balances");
    (void)tx.add(api::Loaded<orders::Module>{done.order, 0, std::nullopt}, *order);
  }
  (void)tx.add(intent, paid);
  a.result.kind = CompletionResult::Kind::completed;
  a.result.session = tx.add(session, completion);
}

// Ends an attempt with `e`, told to the customer.
ApiError stop(Completing& a, ApiError e) {
  a.result = refused(std::move(e));
  return a.result.error;
}

// Runs `attempt` in a transaction (again on a version conflict). The result stands only when
// its append did (or the attempt refused); a storage failure or conflicts to the end are told as
// what they are.
CompletionResult run(Completing& a, const std::function<api::Attempt(api::Transaction&)>& attempt) {
  bool refused_by_attempt = false;
  const Outcome o =
      api::transact(a.commands, a.merchant, nullptr, [&](api::Transaction& tx) -> api::Attempt {
        a.result = CompletionResult{};
        api::Attempt out = attempt(tx);
        refused_by_attempt = !out && a.result.kind == CompletionResult::Kind::refused &&
                             !a.result.error.code.empty();
        return out;
      });
  if (o.http_status == 200 || refused_by_attempt) {
    a.result.position = o.position;
    return a.result;
  }
  if (o.http_status >= 500)
    return refused(api::storage_error("the log could not be read or written"));
  ApiError busy;
  busy.http_status = o.http_status;
  busy.type = "api_error";
  busy.code = "lock_timeout";
  busy.message =
      "The checkout session was busy with other requests; nothing was charged. Try again.";
  return refused(busy);
}

// The intent's events for a payment with `pm`: a challenge still open is abandoned first (a new
// submission replaces it, and only the challenge page may pass one), the amount becomes the
// total chosen, then the confirmation.
Expected<std::vector<payment_intents::Event>, ApiError> intent_events(
    const api::Loaded<payment_intents::Module>& intent, const Session& s,
    const SessionCompleted& done, const std::string& pm, const Made& made,
    const std::string& challenge_url, const d::MerchantId& merchant, d::UnixSeconds now) {
  std::vector<payment_intents::Event> paid;
  auto step = [&](const auto& cmd) -> std::optional<ApiError> {
    auto decided = payment_intents::decide(api::after(intent, paid, merchant, now).state, cmd);
    if (!decided) return payment_intents::rejection_error(decided.error());
    paid.insert(paid.end(), decided->begin(), decided->end());
    return std::nullopt;
  };
  if (intent.state->status == payment_intents::IntentStatus::requires_action) {
    if (auto e = step(payment_intents::FailAuthentication{
            payment_intents::ChargeId{made.abandoned_charge}, now})) {
      return Unexpected{*e};
    }
  }
  if (done.amount_total.minor() != intent.state->amount.amount.minor()) {
    payment_intents::UpdateIntent update;
    update.amount_minor = done.amount_total.minor();
    update.now = now;
    update.checkout_session = s.id.value;
    if (auto e = step(update)) return Unexpected{*e};
  }
  if (auto e = step(payment_intents::ConfirmIntent{pm, "", payment_intents::ChargeId{made.charge},
                                                   now, challenge_url, s.id.value})) {
    return Unexpected{*e};
  }
  return paid;
}

// Appends the payment's outcome: paid (the completion), declined (the intent alone), or waiting
// for 3-D Secure (`waiting` decides the session's event).
template <class Waiting>
api::Attempt settle(Completing& a, api::Transaction& tx, const api::Loaded<Module>& session,
                    const std::vector<Event>& completion,
                    const api::Loaded<payment_intents::Module>& intent,
                    std::vector<payment_intents::Event> paid, Waiting&& waiting) {
  const d::UnixSeconds now = tx.now();
  const auto after = api::after(intent, paid, a.merchant, now);
  switch (after.state->status) {
    case payment_intents::IntentStatus::succeeded:
    case payment_intents::IntentStatus::requires_capture:
      stage_completion(a, tx, session, completion, intent, std::move(paid), now);
      break;
    case payment_intents::IntentStatus::requires_action: {
      auto wait = waiting();
      if (!wait) return Unexpected{stop(a, rejection_error(wait.error(), a.id, session.state))};
      (void)tx.add(intent, paid);
      a.result.session = tx.add(session, *wait);
      a.result.kind = CompletionResult::Kind::authenticate;
      a.result.redirect_url = after.state->next_action->redirect_url;
      break;
    }
    default:
      PL_ASSERT(after.state->status == payment_intents::IntentStatus::requires_payment_method,
                "a card payment is paid, declined or waits for 3-D Secure");
      (void)tx.add(intent, paid);
      a.result.kind = CompletionResult::Kind::declined;
      a.result.error = decline_error(*after.state);
      a.result.session = session.state;
  }
  return Outcome{200, {}, {}};
}

}  // namespace

std::optional<ApiError> read_completion(const Form& form, CompletionRequest& r) {
  r.secret = field(form, "client_secret", 200);
  if (r.secret.empty()) r.secret = field(form, "key", 200);
  r.email = field(form, "email");
  r.name = field(form, "name", 200);
  if (!r.email.empty() && !d::plausible_email(r.email)) {
    return api::invalid_param("email", "email_invalid",
                              "Enter an email address like jenny@example.com.");
  }
  if (auto e = read_shipping(form, r)) return e;
  r.shipping_rate = field(form, "shipping_rate", 100);
  r.payment_method = field(form, "payment_method", 100);
  std::string number = field(form, "card[number]", 64);
  number.erase(
      std::remove_if(number.begin(), number.end(), [](char c) { return c == ' ' || c == '-'; }),
      number.end());
  r.card.number = std::move(number);
  r.has_card = !r.card.number.empty();
  if (form.contains("card[exp]")) {
    read_expiry(field(form, "card[exp]", 16), r.card);
  } else {
    r.card.exp_month = digits_value(field(form, "card[exp_month]", 4));
    r.card.exp_year = digits_value(field(form, "card[exp_year]", 4));
  }
  r.card.cvc = field(form, "card[cvc]", 8);
  r.card.holder_name = r.name;
  if (!r.has_card && r.payment_method.empty()) {
    return card_error("card[number]", "incomplete_number", "Your card number is incomplete.");
  }
  return std::nullopt;
}

CompletionResult complete(api::CommandService& commands, const d::MerchantId& merchant,
                          const std::string& id, CompletionRequest& request,
                          const std::string& base_url) {
  std::string pm = request.payment_method;
  if (request.has_card) {
    auto inspected = payments::inspect(request.card, commands.now());
    if (!inspected) return refused(card_rejection_error(inspected.error()));
    pm = payment_method_for(*inspected);
  } else {
    const auto card = payment_intents::find_test_card(pm);
    if (!pm.starts_with("pm_card_") || !card) {
      return refused(
          api::invalid_param("payment_method", "payment_method_invalid",
                             "payment_method must be a test card such as pm_card_visa."));
    }
  }
  const Made made{commands.new_id("cus"), commands.new_id("ord"), commands.new_id("ch"),
                  commands.new_id("ch")};
  CompletionResult result;
  Completing a{commands, merchant, id, made, result};
  const std::string challenge = base_url + "/checkout/" + id + "/authenticate?key=";
  return run(a, [&](api::Transaction& tx) -> api::Attempt {
    auto loaded = tx.load<Module>(id);
    if (!loaded) return Unexpected{loaded.error()};
    if (!loaded->state) return Unexpected{stop(a, api::not_found("checkout.session", id))};
    const Session& s = *loaded->state;
    // The session's clock: a test clock's when its customer lives on one.
    auto clock_now = tx.live_on<Module>(loaded->state);
    if (!clock_now) return Unexpected{clock_now.error()};
    const d::UnixSeconds now = *clock_now;
    CompleteSession cmd;
    cmd.customer = !s.customer.empty()                               ? s.customer
                   : s.customer_creation == CustomerCreation::always ? made.customer
                                                                     : std::string();
    cmd.details = {request.email.empty() ? s.customer_email : request.email, request.name,
                   request.shipping ? request.shipping->address : customers::Address{}};
    cmd.shipping = request.shipping;
    cmd.shipping_rate = request.shipping_rate;
    cmd.order = s.mode == Mode::order ? made.order : std::string();
    cmd.now = now;
    auto completion = decide(loaded->state, cmd);
    if (!completion) {
      return Unexpected{stop(a, rejection_error(completion.error(), id, loaded->state))};
    }
    const auto& done = std::get<SessionCompleted>(completion->front());
    auto intent = tx.load<payment_intents::Module>(s.payment_intent.value);
    if (!intent) return Unexpected{intent.error()};
    const std::string key = s.client_secret.substr(s.client_secret.rfind('_') + 1);
    auto paid = intent_events(*intent, s, done, pm, made, challenge + key, merchant, now);
    if (!paid) return Unexpected{stop(a, paid.error())};
    return settle(a, tx, *loaded, *completion, *intent, std::move(*paid),
                  [&] { return decide(loaded->state, AwaitAuthentication{cmd}); });
  });
}

CompletionResult finish_authentication(api::CommandService& commands, const d::MerchantId& merchant,
                                       const std::string& id, bool passed) {
  const Made made{"", "", commands.new_id("ch"), ""};
  CompletionResult result;
  Completing a{commands, merchant, id, made, result};
  return run(a, [&](api::Transaction& tx) -> api::Attempt {
    auto loaded = tx.load<Module>(id);
    if (!loaded) return Unexpected{loaded.error()};
    auto clock_now = tx.live_on<Module>(loaded->state);
    if (!clock_now) return Unexpected{clock_now.error()};
    const d::UnixSeconds now = *clock_now;
    auto completion = decide(loaded->state, FinishAuthentication{now});
    if (!completion) {
      return Unexpected{stop(a, rejection_error(completion.error(), id, loaded->state))};
    }
    auto intent = tx.load<payment_intents::Module>(loaded->state->payment_intent.value);
    if (!intent) return Unexpected{intent.error()};
    auto paid =
        passed ? payment_intents::decide(
                     intent->state,
                     payment_intents::ConfirmIntent{
                         std::nullopt, "", payment_intents::ChargeId{made.charge}, now, "", id})
               : payment_intents::decide(intent->state,
                                         payment_intents::FailAuthentication{
                                             payment_intents::ChargeId{made.charge}, now});
    if (!paid) return Unexpected{stop(a, payment_intents::rejection_error(paid.error()))};
    return settle(a, tx, *loaded, *completion, *intent, std::move(*paid),
                  [&]() -> Decision { return Unexpected{Rejection::no_pending_authentication}; });
  });
}

}  // namespace payledger::checkout_sessions
