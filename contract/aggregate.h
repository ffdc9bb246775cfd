#pragma once
// The aggregate contract: what a resource module states once, and what every generic layer
// (command service, projector, queries, sweeper, relay, finance, schema check) asks of it: its
// data half. Its routes and due work are its API half, api::Resource (api/resource.h), so that
// this contract depends on nothing above the event store. A module is a struct of static
// members (docs/architecture.md, "Adding a resource") turned into one by `AggregateOf<Module>`.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/types.h"
#include "eventstore/codec.h"
#include "eventstore/status.h"
#include "json/writer.h"

namespace payledger::contract {

// One event type an aggregate declares (each event struct's kType, kSchemaVersion, kSummary).
struct EventSpec {
  std::string_view type;  // "customer.created"
  int schema_version = 1;
  std::string_view summary;                  // what happened, in one line (docs/events.md)
  void (*write_data_schema)(json::Writer&);  // JSON Schema of its "data"
};

enum class FilterKind { text, boolean };

// A list filter of an API object: `GET /v1/customers?email=...`.
struct FilterSpec {
  std::string_view name;
  FilterKind kind = FilterKind::text;
  std::vector<std::string_view> values = {};  // text filters: the values it may take; empty: any
};

// A field of an API object that `expand[]=field` replaces with the object it names: a document
// of kind `object` whose id is the field's value, or (by_own_id) the expanded object's own id.
struct Expansion {
  std::string_view field;   // "payment_intent"
  std::string_view object;  // "payment_intent"
  bool by_own_id = false;
};

// An API object the views serve: retrieve at `path`/{id}, list at `path` (when path is set).
struct ObjectSpec {
  std::string_view object;     // "customer"
  std::string_view id_prefix;  // "cus_"
  std::string_view path;       // "/v1/customers"; empty: not served over HTTP
  std::vector<FilterSpec> filters;
  std::vector<Expansion> expandable = {};
};

// One API object as the views keep it. Lists hold every live document of an object kind,
// newest first, and one list per (filter, value) in `index`.
struct Document {
  std::string_view object;
  std::string id;
  std::string json;           // the rendered API object
  domain::Metadata index;     // filter name -> value; a filter without a value is left out
  bool deleted = false;       // a tombstone: retrieve answers {id, object, deleted}; lists skip it
  bool merchant_wide = true;  // false: keyed without the merchant (API keys, found by hash)
};

// A document that an event brings into being: it takes that event's position in the lists.
struct DocumentRef {
  std::string_view object;
  std::string id;
};

// A fact a merchant can observe, Stripe's Event (docs/events.md, "Public events"): an event of
// the log announces zero or more, each showing one document of its stream as it is right after
// that event (data.object).
struct Announcement {
  std::string_view type;    // "payment_intent.succeeded"
  std::string_view object;  // the kind of the document shown: "payment_intent"
  std::string id;           // its id
  // For an update ("customer.updated"): the document as rendered before the event, whence
  // data.previous_attributes; for a deletion, what data.object shows. Filled by AggregateOf for
  // modules that ask (kAnnouncesUpdates).
  std::string before = {};
};

// Money moving into or out of a merchant's balance (docs/ledger.md): an event of a money-moving
// resource reports each movement it makes, and the ledger projection books each as a balance
// transaction whose double entries balance.
struct Movement {
  std::string_view type;                // Stripe's balance transaction type: "charge", "refund"...
  std::string_view reporting_category;  // Stripe's: "charge", "refund"
  std::string source;                   // the charge, payment or refund id
  std::int64_t amount_minor = 0;        // > 0 into the merchant's balance, < 0 out of it
  std::string currency;                 // ISO 4217, lowercase
};

// A payment as finance's export lists it (`payledger export --what payments`, docs/ledger.md):
// an object that takes a customer's money, with what it took and gave back so far.
struct PaymentSummary {
  std::string_view object;  // its API object: "payment_intent", "payment"
  std::string id;
  std::int64_t created = 0;  // Unix seconds
  std::string_view status;   // as its API object shows it
  std::string currency;      // ISO 4217, lowercase
  std::int64_t amount_minor = 0;
  std::int64_t received_minor = 0;  // taken from the customer (captured, settled)
  std::int64_t refunded_minor = 0;  // given back (refunds that succeeded)
  std::string description;
};

// An operator's setting that a module declares (payledgerd's flag --<name>): a whole number,
// its default and its bounds. The module reads it through api::CommandService::setting(name).
struct SettingSpec {
  std::string_view name;  // "three-d-secure-timeout"; unique across the registry
  std::string_view help;  // what it sets, with its unit
  std::int64_t default_value = 0;
  std::int64_t min = 0;
  std::int64_t max = 0;
};

// What applying one event brings besides the new state.
struct Applied {
  std::vector<DocumentRef> created;     // the documents it creates
  std::vector<Announcement> announced;  // the public events it makes, in order
  std::vector<Movement> moved = {};     // the money it moves, in order
};

// The API version the server speaks, which public events carry (api_version).
inline constexpr std::string_view kApiVersion = "2026-03-01";

// An aggregate's state, whatever the module's type.
class State {
 public:
  virtual ~State() = default;
};

// The platform's conventions every resource relies on: merchants own everything (the envelope's
// merchant_id), and the API authenticates with a document of kApiKeyObject whose id is the
// key's SHA-256 (hex), whose JSON is the merchant id, and which is not merchant-wide. The
// merchants module provides both.
inline constexpr std::string_view kMerchantStreamPrefix = "mer_";
inline constexpr std::string_view kApiKeyObject = "api_key";
// Public events (Announcement) are documents of this kind, served at /v1/events.
inline constexpr std::string_view kEventObject = "event";
inline constexpr std::string_view kEventIdPrefix = "evt_";

// Whether `pattern` ("*", "payment_intent.*", "charge.succeeded") selects public events of
// `type`: how webhook endpoints and the Events API's `type` filter choose events.
bool selects_event_type(std::string_view pattern, std::string_view type);
// "*", or lowercase words joined by '.' or '_' (at most 100 characters), optionally ending ".*".
bool valid_event_type_pattern(std::string_view pattern);

// What retrieve answers for a deleted object, and what its delete answers: {id, object, deleted}.
std::string tombstone(std::string_view object, std::string_view id);

class Aggregate {
 public:
  virtual ~Aggregate() = default;

  virtual std::string_view name() const = 0;           // "customer"
  virtual std::string_view stream_prefix() const = 0;  // "cus_": every stream id starts so
  virtual std::string_view topic() const = 0;          // "customers" (Kafka, after a prefix)
  virtual std::span<const EventSpec> events() const = 0;
  virtual std::span<const ObjectSpec> objects() const = 0;
  bool declares(std::string_view event_type) const;

  // --- folding events into state (projector, command service) ---
  virtual std::unique_ptr<State> initial() const = 0;
  // Decodes `data` as `header.type` and evolves `state` by it; `applied` gets the documents the
  // event creates and the public events it announces. Returns corruption (and leaves `state`
  // as it was) when the data does not decode. Under ThrowingAssertions, an event that breaks
  // an invariant of the state throws InvariantBroken and leaves `state` unspecified (evolve
  // took it by value, and copying every state to keep it would tax every event): the caller
  // drops the stream or rebuilds its state. REQUIRES: the event is the stream's next.
  virtual eventstore::Status apply(State& state, const eventstore::EventHeader& header,
                                   json::Value data, Applied* applied) const = 0;
  // The state in its own encoding (not the API's rendering), and back.
  virtual void write_state(json::Writer& w, const State& state) const = 0;
  virtual eventstore::Status read_state(json::Value json, State& state) const = 0;
  // Created and not deleted.
  virtual bool exists(const State& state) const = 0;
  // Empty when every money invariant of the state holds (captured <= authorized, refunded <=
  // captured, ...); else which one is broken, with the amounts. `payledger verify` asks after
  // every event.
  virtual std::string broken_invariant(const State& state) const = 0;

  // The operator's settings its rules read (SettingSpec).
  virtual std::span<const SettingSpec> settings() const = 0;
  // Whether the streams are payments (payment_summary answers for a created one).
  virtual bool takes_payments() const = 0;
  // The payment a stream's state is; nullopt before its first event, or when the aggregate does
  // not take payments.
  virtual std::optional<PaymentSummary> payment_summary(const State& state) const = 0;

  // --- views ---
  virtual void documents(const State& state, std::vector<Document>* out) const = 0;
  // When time-driven work is next due for this stream; nullopt when none waits. The time is the
  // stream's clock's (clock_of): the system's, or a test clock's.
  virtual std::optional<domain::UnixSeconds> due_at(const State& state) const = 0;

  // --- time (Stripe's test clocks, docs/api.md) ---
  // The stream whose time this stream lives on (a test clock's id), fixed when the stream is
  // created; empty: the system clock. Its due work waits in that clock's due index, and runs
  // when the clock is advanced past it.
  virtual std::string clock_of(const State& state) const = 0;
  // For a stream that is a clock other streams live on: the time it stands at (nullopt for
  // every other stream, and for a deleted clock).
  virtual std::optional<domain::UnixSeconds> frozen_time(const State& state) const = 0;
  // Whether this aggregate's streams are clocks: the sweeper runs the work due on a clock up to
  // its frozen time before the clock's own due work (which reports it ready).
  virtual bool keeps_time() const = 0;
};

}  // namespace payledger::contract
