// The write routes of PaymentIntents and refunds: parameters to commands, decisions to
// appends, answers rendered from the state the events leave.

#include "api/routes.h"
#include "api/command_service.h"
#include "resources/customers/module.h"
#include "resources/payment_intents/errors.h"
#include "resources/payment_intents/module.h"
#include "resources/payment_intents/render.h"

namespace payledger::payment_intents {
namespace {

namespace d = domain;
using api::Call;
using api::kMaxIdChars;
using api::Outcome;

const IntentPaymentFailed* find_failure(const std::vector<Event>& events) {
  for (const auto& e : events) {
    if (const auto* f = std::get_if<IntentPaymentFailed>(&e)) return f;
  }
  return nullptr;
}

// A declined card answers 402 with the intent attached, as card networks' APIs do.
Outcome decline_outcome(const IntentPaymentFailed& f, const PaymentIntent& intent) {
  api::ApiError e;
  e.http_status = 402;
  e.type = "card_error";
  e.code = f.code;
  e.param = "payment_method";
  e.message = f.message;
  if (!f.decline_code.empty()) e.add_text("decline_code", f.decline_code);
  e.add_text("charge", f.charge_id.value);
  e.add_json("payment_intent", render_intent(intent));
  return api::error_outcome(e);
}

enum class Answer { intent, refund };

// Where a customer completes 3-D Secure: confirming again completes it (the test network).
std::string authentication_url(const std::string& intent_id) {
  return "/v1/payment_intents/" + intent_id + "/confirm";
}

// The answer of a decision: the intent, the refund it created, or a decline.
Outcome answer_of(const std::vector<Event>& events, const PaymentIntent& intent, Answer answer) {
  if (const auto* failure = find_failure(events)) return decline_outcome(*failure, intent);
  if (answer == Answer::refund) {
    for (const auto& e : events) {
      if (const auto* r = std::get_if<RefundCreated>(&e)) {
        for (const auto& refund : intent.refunds) {
          if (refund.id == r->id) return Outcome{200, render_refund(intent, refund), {}};
        }
      }
    }
  }
  return Outcome{200, render_intent(intent), {}};
}

// A customer a command names, by the parameter the client used.
struct CustomerParam {
  std::string id;  // empty: none named
  std::string param = "customer";
};

// Loads the intent, decides `cmd` on it at its clock's time (a test clock's when its customer
// lives on one), appends what it decided; again on a version conflict. A customer the command
// names must be the merchant's and live, its version guarded: else 400 naming its parameter,
// told after the intent's own rejections.
template <class Command>
Outcome decide_on(api::CommandService& commands, const d::MerchantId& merchant,
                  const std::string& id, const Command& cmd, Answer answer,
                  const api::IdempotencyWrite* idem, const CustomerParam& customer = {}) {
  return api::transact(commands, merchant, idem, [&](api::Transaction& tx) -> api::Attempt {
    auto loaded = tx.load<Module>(id);
    if (!loaded) return Unexpected{loaded.error()};
    auto now = tx.live_on<Module>(loaded->state);
    if (!now) return Unexpected{now.error()};
    Command at_now = cmd;
    at_now.now = *now;
    auto decision = decide(loaded->state, at_now);
    if (!decision) return Unexpected{rejection_error(decision.error())};
    auto named = tx.reference<customers::Module>(customer.id, customer.param);
    if (!named) return Unexpected{named.error()};
    const auto next = tx.add(*loaded, *decision);
    return answer_of(*decision, *next, answer);
  });
}

// A new intent, confirmed at once when `confirm_cmd` is given: one decision and one append, with
// the idempotency record. The intent lives on its customer's test clock, if it has one.
api::Attempt create_attempt(api::Transaction& tx, CreateIntent& cmd, const CustomerParam& customer,
                            ConfirmIntent* confirm_cmd) {
  auto named = tx.reference<customers::Module>(customer.id, customer.param);
  if (!named && named.error().http_status >= 500) return Unexpected{named.error()};
  auto now = tx.live_on(named ? named->clock : std::string());
  if (!now) return Unexpected{now.error()};
  cmd.test_clock = named ? named->clock : std::string();
  cmd.now = *now;
  const api::Loaded<Module> fresh{cmd.id.value, 0, std::nullopt};
  Decision created = decide(fresh.state, cmd);
  if (!created) return Unexpected{rejection_error(created.error())};
  std::vector<Event> events = std::move(*created);
  if (confirm_cmd != nullptr) {
    confirm_cmd->now = *now;
    const auto pending = api::after(fresh, events, tx.merchant(), *now);
    Decision confirmed = decide(pending.state, *confirm_cmd);
    if (!confirmed) return Unexpected{rejection_error(confirmed.error())};
    events.insert(events.end(), confirmed->begin(), confirmed->end());
  }
  // A missing customer is told after the intent's own rejections.
  if (!named) return Unexpected{named.error()};
  const auto next = tx.add(fresh, events);
  return answer_of(events, *next, Answer::intent);
}

Outcome create(Call& call) {
  api::Params& p = call.params;
  CreateIntent cmd;
  cmd.amount_minor = p.required_integer("amount");
  cmd.currency = p.required_string("currency", 3);
  cmd.capture_method = p.string("capture_method", 32).value_or("automatic");
  cmd.customer = p.string("customer", 255).value_or("");
  std::string customer_param = "customer";
  // Seed 003 sends customer_id; seed 000 (which wins) calls it customer. Both are accepted.
  if (auto alias = p.string("customer_id", 255); alias && cmd.customer.empty()) {
    cmd.customer = *alias;
    customer_param = "customer_id";
  }
  cmd.description = p.string("description", 1000).value_or("");
  cmd.metadata = p.metadata("metadata");
  cmd.payment_method = p.string("payment_method", 255);
  const bool confirm = p.boolean("confirm").value_or(false);
  std::string return_url = p.string("return_url", 2048).value_or("");
  if (auto e = p.finish()) return api::error_outcome(*e);
  if (confirm && !cmd.payment_method) {
    return api::error_outcome(api::invalid_param("payment_method", "parameter_missing",
                                                 "confirm=true needs a payment_method."));
  }
  api::CommandService& commands = call.commands;
  const std::string id = commands.new_id("pi");
  cmd.id = PaymentIntentId{id};
  cmd.client_secret = id + "_secret_" + commands.new_id("cs").substr(3);
  ConfirmIntent confirm_cmd{std::nullopt,
                            std::move(return_url),
                            ChargeId{commands.new_id("ch")},
                            {},
                            authentication_url(id)};
  const CustomerParam customer{cmd.customer, customer_param};
  return api::transact(commands, call.merchant, call.idempotency,
                       [&](api::Transaction& tx) -> api::Attempt {
                         return create_attempt(tx, cmd, customer, confirm ? &confirm_cmd : nullptr);
                       });
}

Outcome confirm(Call& call) {
  auto pm = call.params.string("payment_method", 255);
  auto return_url = call.params.string("return_url", 2048).value_or("");
  if (auto e = call.params.finish()) return api::error_outcome(*e);
  const ConfirmIntent cmd{std::move(pm), std::move(return_url),
                          ChargeId{call.commands.new_id("ch")}, call.commands.now(),
                          authentication_url(call.path[0])};
  return decide_on(call.commands, call.merchant, call.path[0], cmd, Answer::intent,
                   call.idempotency);
}

Outcome update(Call& call) {
  api::Params& p = call.params;
  UpdateIntent cmd;
  cmd.amount_minor = p.integer("amount");
  cmd.customer = p.update_string("customer", 255);
  cmd.description = p.update_string("description", 1000);
  cmd.metadata = p.metadata_patch("metadata").value_or(d::MetadataPatch{});
  if (auto e = p.finish()) return api::error_outcome(*e);
  return decide_on(call.commands, call.merchant, call.path[0], cmd, Answer::intent,
                   call.idempotency, CustomerParam{cmd.customer.value_or("")});
}

Outcome capture(Call& call) {
  auto amount = call.params.integer("amount_to_capture");
  if (auto e = call.params.finish()) return api::error_outcome(*e);
  return decide_on(call.commands, call.merchant, call.path[0],
                   CaptureIntent{amount, call.commands.now()}, Answer::intent, call.idempotency);
}

Outcome cancel(Call& call) {
  auto reason = call.params.string("cancellation_reason", 64);
  if (auto e = call.params.finish()) return api::error_outcome(*e);
  return decide_on(call.commands, call.merchant, call.path[0],
                   CancelIntent{std::move(reason), call.commands.now()}, Answer::intent,
                   call.idempotency);
}

api::ApiError intent_not_found(const std::string& id) {
  api::ApiError e = api::not_found("payment_intent", id);
  e.param = "payment_intent";
  return e;
}

Outcome refund(Call& call) {
  api::Params& p = call.params;
  const std::string intent = p.required_string("payment_intent", kMaxIdChars);
  auto amount = p.integer("amount");
  auto reason = p.string("reason", 64);
  auto metadata = p.metadata("metadata");
  if (auto e = p.finish()) return api::error_outcome(*e);
  if (!api::valid_id(intent, "pi_")) return api::error_outcome(intent_not_found(intent));
  if (amount && !d::Amount::chargeable(*amount)) {
    return api::error_outcome(rejection_error(Rejection::refund_amount_invalid));
  }
  const RefundIntent cmd{RefundId{call.commands.new_id("re")}, amount, std::move(reason),
                         std::move(metadata), call.commands.now()};
  Outcome o =
      decide_on(call.commands, call.merchant, intent, cmd, Answer::refund, call.idempotency);
  if (o.http_status == 404) return api::error_outcome(intent_not_found(intent));
  return o;
}

}  // namespace

void Module::routes(api::Routes& routes) {
  const std::string object = "payment_intent";
  routes.add({"POST", "/v1/payment_intents", "/v1/payment_intents", object, "", create});
  routes.add(
      {"POST", R"(/v1/payment_intents/([^/]+))", "/v1/payment_intents/:id", object, "pi_", update});
  routes.add({"POST", R"(/v1/payment_intents/([^/]+)/confirm)", "/v1/payment_intents/:id/confirm",
              object, "pi_", confirm});
  routes.add({"POST", R"(/v1/payment_intents/([^/]+)/capture)", "/v1/payment_intents/:id/capture",
              object, "pi_", capture});
  routes.add({"POST", R"(/v1/payment_intents/([^/]+)/cancel)", "/v1/payment_intents/:id/cancel",
              object, "pi_", cancel});
  routes.add({"POST", "/v1/refunds", "/v1/refunds", "refund", "", refund});
}

bool Module::run_due(api::CommandService& commands, const d::MerchantId& merchant,
                     const std::string& stream_id) {
  // The work is chosen on the state each attempt loads: one read of the stream, not two. The
  // time is the intent's clock's.
  const Outcome o = api::decide_and_append<Module>(
      commands, merchant, nullptr, stream_id, false,
      [&](const IntentState& s, d::UnixSeconds now) {
        const bool settle = s && s->status == IntentStatus::processing;
        return settle ? decide(s, SettleIntent{now}) : decide(s, ExpireIntent{now});
      },
      [&](const std::vector<Event>& events, const std::optional<PaymentIntent>& next) {
        return answer_of(events, *next, Answer::intent);
      },
      [](Rejection r) { return rejection_error(r); });
  return o.position.value > 0;
}

}  // namespace payledger::payment_intents
