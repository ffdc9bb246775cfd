#include "api/command_service.h"

#include <type_traits>

#include <nlohmann/json.hpp>

#include "api/idempotency.h"
#include "eventstore/codec.h"
#include "projections/render.h"

namespace payledger::api {
namespace {

namespace d = domain;
constexpr int kMaxConflictRetries = 8;

Outcome error_outcome(const ApiError& e) {
  return Outcome{e.http_status, e.body(), {}};
}

Outcome storage_failure(const eventstore::Status& s) {
  return error_outcome(storage_error(s.to_string()));
}

const d::IntentPaymentFailed* find_failure(const std::vector<d::Recorded>& events) {
  for (const auto& r : events) {
    if (const auto* f = std::get_if<d::IntentPaymentFailed>(&r.body)) return f;
  }
  return nullptr;
}

// A declined card answers 402 with the intent attached, as card networks' APIs do.
Outcome decline_outcome(const d::IntentPaymentFailed& f, const d::PaymentIntent& intent) {
  ApiError e;
  e.http_status = 402;
  e.type = "card_error";
  e.code = f.code;
  e.param = "payment_method";
  e.message = f.message;
  if (!f.decline_code.empty()) e.extra["decline_code"] = f.decline_code;
  e.extra["charge"] = f.charge_id.value;
  e.extra["payment_intent"] = nlohmann::ordered_json::parse(projections::render_intent(intent));
  return error_outcome(e);
}

std::string answer_body(const std::vector<d::Recorded>& events, const d::PaymentIntent& intent,
                        bool refund) {
  if (refund) {
    for (const auto& r : events) {
      if (const auto* created = std::get_if<d::RefundCreated>(&r.body)) {
        return projections::render_refund(r.meta, *created);
      }
    }
  }
  return projections::render_intent(intent);
}

}  // namespace

Expected<d::IntentState, eventstore::Status> CommandService::load_intent(
    const d::MerchantId& merchant, const std::string& intent_id) const {
  std::vector<eventstore::StoredEvent> stored;
  if (auto s = store_.read_stream(intent_id, &stored); !s.is_ok()) return Unexpected{s};
  d::IntentState state;
  for (const auto& e : stored) {
    auto rec = eventstore::decode_event(e.payload);
    if (!rec) return Unexpected{rec.error()};
    // Another merchant's intent, or an id that names no intent (a merchant stream): absent.
    if (rec->meta.merchant != merchant) return d::IntentState();
    if (!state && !std::holds_alternative<d::IntentCreated>(rec->body)) return d::IntentState();
    state = d::evolve(std::move(state), *rec);
  }
  return state;
}

template <class Command>
Outcome CommandService::run(const d::MerchantId& merchant, const std::string& stream_id,
                            const Command& cmd, Answer answer, const IdempotencyWrite* idem) {
  for (int attempt = 0; attempt < kMaxConflictRetries; ++attempt) {
    // A create names a stream by an id just drawn at random: it cannot exist, so there is
    // nothing to read. The append still checks (expected version 0), and a retry reads.
    const bool fresh = std::is_same_v<Command, d::CreateIntent> && attempt == 0;
    auto state = fresh ? Expected<d::IntentState, eventstore::Status>(d::IntentState())
                       : load_intent(merchant, stream_id);
    if (!state) return storage_failure(state.error());
    d::Decision decision = d::decide(*state, cmd);
    if (!decision) return error_outcome(from_rejection(decision.error()));

    const std::uint64_t version = *state ? (*state)->version.value : 0;
    std::vector<d::Recorded> recorded;
    eventstore::AppendRequest request{stream_id, version, {}, {}};
    d::IntentState next = *state;
    for (auto& body : *decision) {
      d::EventMeta meta{d::EventId{ids_.next("evt")}, stream_id,
                        d::StreamVersion{version + recorded.size() + 1}, merchant, cmd.now};
      request.events.push_back(eventstore::encode_event(meta, body));
      recorded.push_back({std::move(meta), std::move(body)});
      next = d::evolve(std::move(next), recorded.back());
    }
    Outcome outcome;
    if (const auto* failure = find_failure(recorded)) {
      outcome = decline_outcome(*failure, *next);
    } else {
      outcome.body = answer_body(recorded, *next, answer == Answer::refund);
      if (idem != nullptr) {
        const IdempotencyRecord record{idem->request_sha256, 200, outcome.body, cmd.now.value};
        request.idempotency_writes.emplace_back(idem->store_key, encode_record(record));
      }
    }
    auto appended = store_.append(std::move(request));
    if (appended) {
      outcome.position = appended->last;
      return outcome;
    }
    if (appended.error().code() != eventstore::Status::Code::conflict) {
      return storage_failure(appended.error());
    }
  }
  ApiError e;
  e.http_status = 409;
  e.code = "lock_timeout";
  e.param = "id";
  e.message = "This object is being changed by other requests at the same time; try again.";
  return error_outcome(e);
}

Outcome CommandService::create_intent(const d::MerchantId& merchant,
                                      const CreateIntentParams& params,
                                      const IdempotencyWrite* idem) {
  const std::string id = ids_.next("pi");
  d::CreateIntent cmd{d::PaymentIntentId{id},
                      params.amount_minor,
                      params.currency,
                      params.capture_method,
                      params.customer,
                      params.description,
                      params.metadata,
                      params.payment_method,
                      id + "_secret_" + ids_.next("cs").substr(3),
                      clock_.now()};
  if (!params.confirm) return run(merchant, id, cmd, Answer::intent, idem);
  // confirm=true: create and confirm as one request; the idempotency record (if any) stores
  // the final answer, written with the confirmation's events.
  Outcome created = run(merchant, id, cmd, Answer::intent, nullptr);
  if (created.http_status != 200) return created;
  return confirm(merchant, id, std::nullopt, params.return_url, idem);
}

Outcome CommandService::confirm(const d::MerchantId& merchant, const std::string& intent_id,
                                std::optional<std::string> payment_method, std::string return_url,
                                const IdempotencyWrite* idem) {
  const d::ConfirmIntent cmd{std::move(payment_method), std::move(return_url),
                             d::ChargeId{ids_.next("ch")}, clock_.now()};
  return run(merchant, intent_id, cmd, Answer::intent, idem);
}

Outcome CommandService::capture(const d::MerchantId& merchant, const std::string& intent_id,
                                std::optional<std::int64_t> amount_to_capture,
                                const IdempotencyWrite* idem) {
  return run(merchant, intent_id, d::CaptureIntent{amount_to_capture, clock_.now()}, Answer::intent,
             idem);
}

Outcome CommandService::cancel(const d::MerchantId& merchant, const std::string& intent_id,
                               std::optional<std::string> reason, const IdempotencyWrite* idem) {
  return run(merchant, intent_id, d::CancelIntent{std::move(reason), clock_.now()}, Answer::intent,
             idem);
}

Outcome CommandService::refund(const d::MerchantId& merchant, const std::string& intent_id,
                               std::optional<std::int64_t> amount,
                               std::optional<std::string> reason, d::Metadata metadata,
                               const IdempotencyWrite* idem) {
  const d::RefundIntent cmd{d::RefundId{ids_.next("re")}, amount, std::move(reason),
                            std::move(metadata), clock_.now()};
  return run(merchant, intent_id, cmd, Answer::refund, idem);
}

Outcome CommandService::expire(const d::MerchantId& merchant, const std::string& intent_id) {
  return run(merchant, intent_id, d::ExpireIntent{clock_.now()}, Answer::intent, nullptr);
}

Outcome CommandService::settle(const d::MerchantId& merchant, const std::string& intent_id) {
  return run(merchant, intent_id, d::SettleIntent{clock_.now()}, Answer::intent, nullptr);
}

Expected<CommandService::NewMerchant, eventstore::Status> CommandService::create_merchant(
    const std::string& name, const std::string& key_sha256, const std::string& key_last4) {
  const d::MerchantId id{ids_.next("mer")};
  const d::UnixSeconds now = clock_.now();
  eventstore::AppendRequest request{id.value, 0, {}, {}};
  request.events.push_back(eventstore::encode_event(
      {d::EventId{ids_.next("evt")}, id.value, d::StreamVersion{1}, id, now},
      d::MerchantCreated{id, name}));
  request.events.push_back(eventstore::encode_event(
      {d::EventId{ids_.next("evt")}, id.value, d::StreamVersion{2}, id, now},
      d::ApiKeyCreated{key_sha256, key_last4}));
  auto appended = store_.append(std::move(request));
  if (!appended) return Unexpected{appended.error()};
  return NewMerchant{id, appended->last};
}

}  // namespace payledger::api
