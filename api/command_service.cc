#include "api/command_service.h"

#include "api/idempotency.h"
#include "domain/assert.h"

namespace payledger::api {
namespace {
constexpr int kMaxConflictRetries = 8;
}  // namespace

ApiError storage_error(const eventstore::Status& s) {
  return storage_error(s.to_string());
}

Outcome storage_failure(const eventstore::Status& s) {
  return error_outcome(storage_error(s));
}

Outcome error_outcome(const ApiError& e) {
  return Outcome{e.http_status, e.body(), {}};
}

eventstore::EnvelopeParser& thread_parser() {
  thread_local eventstore::EnvelopeParser parser;
  return parser;
}

ApiError missing_reference(std::string_view object, const std::string& id, std::string_view param) {
  ApiError e = not_found(std::string(object), id);
  e.http_status = 400;
  e.param = std::string(param);
  return e;
}

Transaction::Transaction(CommandService& commands, domain::MerchantId merchant)
    : commands_(commands), merchant_(std::move(merchant)), now_(commands.now()) {}

Expected<domain::UnixSeconds, ApiError> Transaction::live_on(const std::string& clock) {
  PL_ASSERT(!staged_events_, "a request's time is chosen before it stages events");
  auto time = commands_.time_on(merchant_, clock);
  if (!time) return Unexpected{storage_error(time.error())};
  now_ = *time;
  return now_;
}

std::string Transaction::new_event_id() {
  return commands_.new_id("evt");
}

Outcome Transaction::commit(Outcome answer, const IdempotencyWrite* idempotency) {
  if (idempotency != nullptr) {
    // The record's age is the system's time, whatever clock the request lived on: a clock
    // frozen days back must not store a record already past its 24 hours.
    const IdempotencyRecord record{idempotency->request_hmac, answer.http_status,
                                   answer.recorded_body.value_or(answer.body),
                                   commands_.now().value};
    request_.side_writes.push_back({idempotency_family(commands_.store().database()),
                                    idempotency->store_key, encode_record(record)});
  }
  auto appended = commands_.store().append(std::move(request_));
  if (appended) {
    answer.position = appended->last;
    answer.recorded_body.reset();
    return answer;
  }
  if (appended.error().code() == eventstore::Status::Code::conflict) {
    Outcome retry;
    retry.conflict = true;
    return retry;
  }
  return storage_failure(appended.error());
}

Outcome transact(CommandService& commands, const domain::MerchantId& merchant,
                 const IdempotencyWrite* idempotency,
                 const std::function<Attempt(Transaction&)>& attempt) {
  for (int i = 0; i < kMaxConflictRetries; ++i) {
    Transaction tx(commands, merchant);
    Attempt answer = attempt(tx);
    if (!answer) return error_outcome(answer.error());
    Outcome o = tx.commit(std::move(*answer), idempotency);
    if (!o.conflict) return o;
  }
  ApiError e;
  e.http_status = 409;
  e.code = "lock_timeout";
  e.param = "id";
  e.message = "This object is being changed by other requests at the same time; try again.";
  return Outcome{e.http_status, e.body(), {}};
}

Expected<std::optional<domain::MerchantId>, eventstore::Status> CommandService::owner_of(
    const std::string& stream_id) const {
  std::vector<eventstore::StoredEvent> stored;
  if (auto s = store_.read_stream(stream_id, &stored); !s.is_ok()) return Unexpected{s};
  if (stored.empty()) return std::optional<domain::MerchantId>();
  eventstore::EventHeader header;
  json::Value data;
  if (auto s = thread_parser().parse(stored.front().payload, &header, &data); !s.is_ok()) {
    return Unexpected{s};
  }
  return std::optional<domain::MerchantId>(header.meta.merchant);
}

Expected<CommandService::Folded, eventstore::Status> CommandService::fold(
    const domain::MerchantId& merchant, const std::string& id) const {
  Folded out;
  out.aggregate = registry_.for_stream(id);
  if (out.aggregate == nullptr) return out;
  std::vector<eventstore::StoredEvent> stored;
  if (auto s = store_.read_stream(id, &stored); !s.is_ok()) return Unexpected{s};
  auto state = out.aggregate->initial();
  contract::Applied applied;
  eventstore::EventHeader header;
  json::Value data;
  for (const auto& e : stored) {
    if (auto s = thread_parser().parse(e.payload, &header, &data); !s.is_ok()) {
      return Unexpected{s};
    }
    if (header.meta.merchant != merchant) return out;
    if (auto s = out.aggregate->apply(*state, header, data, &applied); !s.is_ok()) {
      return Unexpected{s};
    }
    out.version = header.meta.version.value;
  }
  if (!stored.empty()) out.state = std::move(state);
  return out;
}

Expected<domain::UnixSeconds, eventstore::Status> CommandService::time_on(
    const domain::MerchantId& merchant, const std::string& clock) const {
  if (clock.empty()) return now();
  auto folded = fold(merchant, clock);
  if (!folded) return Unexpected{folded.error()};
  if (!folded->state) return now();
  return folded->aggregate->frozen_time(*folded->state).value_or(now());
}

std::string check_settings(const contract::Registry& registry, const Settings& settings) {
  for (const auto& [name, value] : settings) {
    const contract::SettingSpec* spec = registry.setting(name);
    if (spec == nullptr) return "no resource has a setting named " + name;
    if (value < spec->min || value > spec->max) {
      return name + " must be from " + std::to_string(spec->min) + " to " +
             std::to_string(spec->max) + ", not " + std::to_string(value);
    }
  }
  return {};
}

std::int64_t CommandService::setting(std::string_view name) const {
  const contract::SettingSpec* spec = registry_.setting(name);
  PL_ASSERT(spec != nullptr, "a setting is read by name only when a module declares it");
  const auto it = settings_.find(name);
  return it == settings_.end() ? spec->default_value : it->second;
}

}  // namespace payledger::api
