#pragma once
// The write side, generic over resources: load an aggregate from the log, let the module decide,
// append the events of one request (one or several streams, with the request's idempotency
// record) in one atomic batch, and answer with the objects as the events leave them. A version
// conflict with a concurrent writer makes the request run again against the new state.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/clock.h"
#include "api/errors.h"
#include "api/ids.h"
#include "api/secrets.h"
#include "contract/events.h"
#include "contract/registry.h"
#include "domain/expected.h"
#include "eventstore/event_store.h"

namespace payledger::api {

// The request's Idempotency-Key: its answer is stored under `store_key` with the events it made.
struct IdempotencyWrite {
  std::string store_key;
  std::string request_hmac;
};

struct Outcome {
  int http_status = 200;
  std::string body;               // the API object, or an error
  eventstore::Position position;  // of the last event appended; 0 when none was
  bool conflict = false;          // a version conflict: `transact` runs the request again
  // What the Idempotency-Key record keeps instead of `body`, when the answer shows a secret
  // once (a webhook endpoint's): the record keeps it sealed, and the route's replay unseals it.
  std::optional<std::string> recorded_body = {};
};

// The error for a storage failure: 500, nothing written.
ApiError storage_error(const eventstore::Status& s);
// The answer for a storage failure: 500, nothing written.
Outcome storage_failure(const eventstore::Status& s);
// The answer of a request that failed before anything was written.
Outcome error_outcome(const ApiError& e);

// An aggregate's stream as the log says now.
template <class M>
struct Loaded {
  std::string stream_id;
  std::uint64_t version = 0;  // 0: no such stream (or another merchant's)
  std::optional<typename M::State> state;
};

class CommandService;

// An object a request names (a PaymentIntent's customer, a customer's test clock), as
// Transaction::reference found it.
struct Referenced {
  std::uint64_t version = 0;  // guarded in the append
  // The clock of what is made with the object: the test clock the object lives on, or the
  // object itself when it is a test clock; empty for the system clock.
  std::string clock;
};

// The events of one request, across streams, appended all or nothing by `transact` (below):
// what the request reads, what it relies on, the time its decisions take, what it stages.
class Transaction {
 public:
  // The time is the system's until live_on picks a clock.
  Transaction(CommandService& commands, domain::MerchantId merchant);

  const domain::MerchantId& merchant() const { return merchant_; }
  // The time the request's decisions take and its events are stamped with.
  domain::UnixSeconds now() const { return now_; }

  // The stream `stream_id` of M as the log says now (CommandService::load); else the answer for
  // the storage failure.
  template <class M>
  Expected<Loaded<M>, ApiError> load(const std::string& stream_id) const;
  // The object `id` of M that the request names in `param`: the merchant's, and live. Its
  // version is guarded, so the append fails (and the request runs again) if it changes first.
  // Else the answer: 400 resource_missing naming `param`, or the storage failure. An empty `id`
  // names nothing (a parameter left out): an empty Referenced, nothing guarded.
  template <class M>
  Expected<Referenced, ApiError> reference(const std::string& id, std::string_view param);
  // Makes `clock` (empty: the system's) the time source of the request and returns its time
  // (CommandService::time_on); else the answer for the storage failure.
  // REQUIRES: nothing staged yet (the staged events carry the time).
  Expected<domain::UnixSeconds, ApiError> live_on(const std::string& clock);
  // The same for a stream of M in `state`: the clock it lives on (M::clock_of), if any.
  template <class M>
  Expected<domain::UnixSeconds, ApiError> live_on(const std::optional<typename M::State>& state) {
    if constexpr (requires(const typename M::State& s) { M::clock_of(s); }) {
      if (state) return live_on(M::clock_of(*state));
    }
    return live_on(std::string());
  }

  // Stages `events` after the version `at` was loaded at; returns the state they leave.
  template <class M>
  std::optional<typename M::State> add(const Loaded<M>& at,
                                       const std::vector<typename M::Event>& events);
  // Requires the stream to be still at `version` when the events are appended; writes nothing
  // to it.
  void guard(const std::string& stream_id, std::uint64_t version) {
    request_.streams.push_back({stream_id, version, {}});
  }

 private:
  friend Outcome transact(CommandService& commands, const domain::MerchantId& merchant,
                          const IdempotencyWrite* idempotency,
                          const std::function<Expected<Outcome, ApiError>(Transaction&)>& attempt);
  // Appends everything with `answer` stored under the Idempotency-Key (when given): a request
  // that wrote events has completed, whatever its status, and its retry answers the same.
  // A version conflict returns an outcome with `conflict` set.
  Outcome commit(Outcome answer, const IdempotencyWrite* idempotency);
  std::string new_event_id();
  CommandService& commands_;
  domain::MerchantId merchant_;
  domain::UnixSeconds now_;
  bool staged_events_ = false;  // the time is fixed once events carry it
  eventstore::AppendRequest request_;
};

// What one attempt of a request ends in: the answer, appended with what it staged, or the error
// told at once with nothing written (a refusal, a storage failure).
using Attempt = Expected<Outcome, ApiError>;

// Runs `attempt` in a new transaction and commits what it staged with its answer (stored under
// the Idempotency-Key when given). On a version conflict (a stream read or referenced changed
// before the append) the whole attempt runs again from the log, a bounded number of times, and
// then the answer is 409 lock_timeout. The one way a request writes.
Outcome transact(CommandService& commands, const domain::MerchantId& merchant,
                 const IdempotencyWrite* idempotency,
                 const std::function<Attempt(Transaction&)>& attempt);

// What an operator tunes about the resources' rules: values of the settings the modules declare
// (contract::SettingSpec, payledgerd's flags), by name. A setting not here has its default.
using Settings = std::map<std::string, std::int64_t, std::less<>>;

// Empty when every value names a declared setting and is within its bounds; else what is wrong.
std::string check_settings(const contract::Registry& registry, const Settings& settings);

class CommandService {
 public:
  // REQUIRES: every reference outlives the service.
  CommandService(eventstore::EventStore& store, const contract::Registry& registry,
                 IdGenerator& ids, const Clock& clock, const Secrets& secrets,
                 Settings settings = {})
      : store_(store),
        registry_(registry),
        ids_(ids),
        clock_(clock),
        secrets_(secrets),
        settings_(std::move(settings)) {}

  // The stream `stream_id` of module M as the log says now: absent when it does not exist, is
  // another merchant's, or is not M's.
  template <class M>
  Expected<Loaded<M>, eventstore::Status> load(const domain::MerchantId& merchant,
                                               const std::string& stream_id) const;
  // The time on `clock`: now() when empty; else the time that clock stands at, or now() when it
  // is not one of the merchant's live clocks (a deleted clock's streams go back to real time).
  Expected<domain::UnixSeconds, eventstore::Status> time_on(const domain::MerchantId& merchant,
                                                            const std::string& clock) const;
  // The merchant whose stream `stream_id` is; nullopt when there is no such stream. For pages a
  // customer opens without an API key, which know only the object.
  Expected<std::optional<domain::MerchantId>, eventstore::Status> owner_of(
      const std::string& stream_id) const;

  std::string new_id(std::string_view prefix) { return ids_.next(prefix); }
  IdGenerator& ids() { return ids_; }
  // `prefix` + "_" + a random UUID (pay_a1b2c3d4-...).
  std::string new_uuid_id(std::string_view prefix) { return std::string(prefix) + "_" + uuid_v4(); }
  // Keyed fingerprint (HMAC-SHA256 hex) of `data` for the use `domain` (Secrets::fingerprint).
  std::string fingerprint(std::string_view domain, std::string_view data) const {
    return secrets_.fingerprint(domain, data);
  }
  // `plaintext` sealed for the use `domain` with the secret outside the log (Secrets::seal).
  std::string seal(std::string_view domain, std::string_view plaintext) const {
    return secrets_.seal(domain, plaintext);
  }
  // The plaintext of `sealed`, or nullopt (Secrets::open).
  std::optional<std::string> unseal(std::string_view domain, std::string_view sealed) const {
    return secrets_.open(domain, sealed);
  }
  // The value of the setting `name`: the operator's, else its default.
  // REQUIRES: a module of the registry declares it.
  std::int64_t setting(std::string_view name) const;
  domain::UnixSeconds now() const { return clock_.now(); }
  eventstore::EventStore& store() { return store_; }
  const contract::Registry& registry() const { return registry_; }

 private:
  eventstore::EventStore& store_;
  const contract::Registry& registry_;
  IdGenerator& ids_;
  // The merchant's stream `id` folded by its aggregate; nullopt state when there is no such
  // stream of the merchant.
  struct Folded {
    const contract::Aggregate* aggregate = nullptr;
    std::unique_ptr<contract::State> state;  // null: none
    std::uint64_t version = 0;
  };
  Expected<Folded, eventstore::Status> fold(const domain::MerchantId& merchant,
                                            const std::string& id) const;

  const Clock& clock_;
  const Secrets& secrets_;
  Settings settings_;
};

// The stream `at` as it would be after `events` (for a decision that builds on another decision
// of the same request, before anything is appended).
template <class M>
Loaded<M> after(const Loaded<M>& at, const std::vector<typename M::Event>& events,
                const domain::MerchantId& merchant, domain::UnixSeconds now) {
  Loaded<M> out = at;
  for (const auto& body : events) {
    ++out.version;
    const domain::EventMeta meta{
        {}, at.stream_id, domain::StreamVersion{out.version}, merchant, now};
    out.state = M::evolve(std::move(out.state), {meta, body});
  }
  return out;
}

// --- templates -------------------------------------------------------------------------------

eventstore::EnvelopeParser& thread_parser();

template <class M>
Expected<Loaded<M>, eventstore::Status> CommandService::load(const domain::MerchantId& merchant,
                                                             const std::string& stream_id) const {
  Loaded<M> out{stream_id, 0, std::nullopt};
  if (!stream_id.starts_with(M::kStreamPrefix)) return out;
  std::vector<eventstore::StoredEvent> stored;
  if (auto s = store_.read_stream(stream_id, &stored); !s.is_ok()) return Unexpected{s};
  eventstore::EventHeader header;
  json::Value data;
  for (const auto& e : stored) {
    if (auto s = thread_parser().parse(e.payload, &header, &data); !s.is_ok()) {
      return Unexpected{s};
    }
    if (header.meta.merchant != merchant) return Loaded<M>{stream_id, 0, std::nullopt};
    auto body = contract::decode_body<typename M::Event>(header, data);
    if (!body) return Unexpected{body.error()};
    out.state = M::evolve(std::move(out.state), {header.meta, std::move(*body)});
    out.version = header.meta.version.value;
  }
  return out;
}

template <class M>
Expected<Loaded<M>, ApiError> Transaction::load(const std::string& stream_id) const {
  auto loaded = commands_.load<M>(merchant_, stream_id);
  if (!loaded) return Unexpected{storage_error(loaded.error())};
  return std::move(*loaded);
}

// The clock of what is made with an object of M in `state` whose id is `id` (Referenced::clock).
template <class M>
std::string clock_of_dependants(const std::string& id, const typename M::State& state) {
  if constexpr (requires { M::frozen_time(state); }) {
    return id;
  } else if constexpr (requires { M::clock_of(state); }) {
    return M::clock_of(state);
  } else {
    return {};
  }
}

// 400 resource_missing: `param` names no live `object` of the merchant.
ApiError missing_reference(std::string_view object, const std::string& id, std::string_view param);

template <class M>
Expected<Referenced, ApiError> Transaction::reference(const std::string& id,
                                                      std::string_view param) {
  if (id.empty()) return Referenced{};
  const auto object = M::objects().front().object;
  if (!valid_id(id, M::kStreamPrefix)) return Unexpected{missing_reference(object, id, param)};
  auto loaded = load<M>(id);
  if (!loaded) return Unexpected{loaded.error()};
  if (!loaded->state || !M::exists(*loaded->state)) {
    return Unexpected{missing_reference(object, id, param)};
  }
  guard(id, loaded->version);
  return Referenced{loaded->version, clock_of_dependants<M>(id, *loaded->state)};
}

template <class M>
std::optional<typename M::State> Transaction::add(const Loaded<M>& at,
                                                  const std::vector<typename M::Event>& events) {
  std::optional<typename M::State> state = at.state;
  if (events.empty()) return state;
  staged_events_ = true;
  eventstore::StreamAppend append{at.stream_id, at.version, {}};
  for (const auto& body : events) {
    const domain::EventMeta meta{domain::EventId{new_event_id()}, at.stream_id,
                                 domain::StreamVersion{at.version + append.events.size() + 1},
                                 merchant_, now_};
    append.events.push_back(contract::encode_event(meta, body));
    state = M::evolve(std::move(state), {meta, body});
  }
  request_.streams.push_back(std::move(append));
  return state;
}

}  // namespace payledger::api
