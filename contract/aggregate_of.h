#pragma once
// AggregateOf<Module>: the generic `Aggregate` of a resource module. A module is a struct of
// static members (docs/architecture.md, "Adding a resource"):
//
//   using State = ...;                       // declares its fields (domain/fields.h)
//   using Event = std::variant<...>;  // each alternative: kType, kSchemaVersion, kSummary, fields
//   static constexpr std::string_view kName, kStreamPrefix, kTopic;
//   static std::optional<State> evolve(std::optional<State>, const domain::RecordedOf<Event>&);
//   static bool exists(const State&);
//   static std::vector<contract::ObjectSpec> objects();        // objects()[0] is the root's
//   static void documents(const State&, std::vector<contract::Document>*);
//   static void routes(api::Routes&);            (the API half: api::ResourceOf, api/resource.h)
// and, when it has them:
//   static std::optional<domain::UnixSeconds> due_at(const State&);
//   static bool run_due(api::CommandService&, const domain::MerchantId&, const std::string&);
//     (the API half too)
//   static void created(const domain::RecordedOf<Event>&, std::vector<contract::DocumentRef>*);
//     (default: the stream's first event creates the root document, id = stream id; a document
//     named again by later events keeps the place of the first)
//   static void announce(const domain::RecordedOf<Event>&, const State& after,
//                        std::vector<contract::Announcement>*);
//     (default: none; the public events an event makes, each showing a document of `after`)
//   static constexpr bool kAnnouncesUpdates = true;
//     (when it announces "*.updated" or "*.deleted" events: their documents are rendered as
//     they were before the event too)
//   static void ledger(const domain::RecordedOf<Event>&, const State& after,
//                      std::vector<contract::Movement>*);
//     (default: none; the money an event moves into or out of the merchant's balance)
//   static std::string broken_invariant(const State&);
//     (default: none can break; which money invariant the state breaks, empty when none)
//   static std::vector<contract::SettingSpec> settings();
//     (default: none; the operator's settings its rules read)
//   static contract::PaymentSummary payment_summary(const State&);
//     (default: not a payment; what finance's export lists of a payment)
//   static std::string clock_of(const State&);
//     (default: the system clock; the test clock the stream lives on)
//   static std::optional<domain::UnixSeconds> frozen_time(const State&);
//     (only a clock's module: the time the clock stands at)
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "contract/aggregate.h"
#include "contract/events.h"
#include "contract/field_codec.h"

namespace payledger::contract {

template <class M>
class AggregateOf final : public Aggregate {
 public:
  using StateType = typename M::State;
  using Event = typename M::Event;

  // The state of one stream, as the generic layers hold it.
  struct Box final : State {
    std::optional<StateType> state;
  };

  AggregateOf() : objects_(M::objects()) {
    if constexpr (requires { M::settings(); }) settings_ = M::settings();
    for_each_event_type<Event>([&]<class E>(std::type_identity<E>) {
      events_.push_back({E::kType, E::kSchemaVersion, E::kSummary,
                         [](json::Writer& w) { write_object_schema<E>(w); }});
    });
  }

  // The module's state inside a State this aggregate made; nullptr before the first event.
  static const StateType* typed(const State& s) {
    const auto& box = static_cast<const Box&>(s);
    return box.state ? &*box.state : nullptr;
  }

  std::string_view name() const override { return M::kName; }
  std::string_view stream_prefix() const override { return M::kStreamPrefix; }
  std::string_view topic() const override { return M::kTopic; }
  std::span<const EventSpec> events() const override { return events_; }
  std::span<const ObjectSpec> objects() const override { return objects_; }

  std::unique_ptr<State> initial() const override { return std::make_unique<Box>(); }

  eventstore::Status apply(State& s, const eventstore::EventHeader& header, json::Value data,
                           Applied* applied) const override {
    auto body = decode_body<Event>(header, data);
    if (!body) return body.error();
    const domain::RecordedOf<Event> rec{header.meta, std::move(*body)};
    auto& box = static_cast<Box&>(s);
    if constexpr (requires { M::created(rec, &applied->created); }) {
      M::created(rec, &applied->created);
    } else if (rec.meta.version.value == 1) {
      applied->created.push_back({objects_.front().object, rec.meta.stream_id});
    }
    if constexpr (requires { M::kAnnouncesUpdates; }) {
      std::optional<StateType> before = box.state;
      box.state = M::evolve(std::move(box.state), rec);
      if (box.state) M::announce(rec, *box.state, &applied->announced);
      if (before) fill_before(*before, applied->announced);
    } else {
      box.state = M::evolve(std::move(box.state), rec);
      if constexpr (requires { M::announce(rec, *box.state, &applied->announced); }) {
        if (box.state) M::announce(rec, *box.state, &applied->announced);
      }
    }
    if constexpr (requires { M::ledger(rec, *box.state, &applied->moved); }) {
      if (box.state) M::ledger(rec, *box.state, &applied->moved);
    }
    return eventstore::Status::ok();
  }

  void write_state(json::Writer& w, const State& s) const override {
    write_value(w, static_cast<const Box&>(s).state);
  }

  eventstore::Status read_state(json::Value json, State& s) const override {
    auto& box = static_cast<Box&>(s);
    json::ReadError error;
    read_value(json, box.state, Field::required, M::kName, error);
    if (error.failed()) {
      return eventstore::Status::corruption(std::string(M::kName) + " state: " + error.what());
    }
    return eventstore::Status::ok();
  }

  bool exists(const State& s) const override {
    const StateType* state = typed(s);
    return state != nullptr && M::exists(*state);
  }

  std::string broken_invariant(const State& s) const override {
    if constexpr (requires(const StateType& st) { M::broken_invariant(st); }) {
      if (const StateType* state = typed(s)) return M::broken_invariant(*state);
    }
    return {};
  }

  std::span<const SettingSpec> settings() const override { return settings_; }

  bool takes_payments() const override {
    return requires(const StateType& st) {
      M::payment_summary(st);
    };
  }

  std::optional<PaymentSummary> payment_summary(const State& s) const override {
    if constexpr (requires(const StateType& st) { M::payment_summary(st); }) {
      if (const StateType* state = typed(s)) return M::payment_summary(*state);
    }
    return std::nullopt;
  }

  void documents(const State& s, std::vector<Document>* out) const override {
    if (const StateType* state = typed(s)) M::documents(*state, out);
  }

  std::optional<domain::UnixSeconds> due_at(const State& s) const override {
    if constexpr (requires(const StateType& st) { M::due_at(st); }) {
      if (const StateType* state = typed(s)) return M::due_at(*state);
    }
    return std::nullopt;
  }

  std::string clock_of(const State& s) const override {
    if constexpr (requires(const StateType& st) { M::clock_of(st); }) {
      if (const StateType* state = typed(s)) return M::clock_of(*state);
    }
    return {};
  }

  std::optional<domain::UnixSeconds> frozen_time(const State& s) const override {
    if constexpr (requires(const StateType& st) { M::frozen_time(st); }) {
      if (const StateType* state = typed(s)) return M::frozen_time(*state);
    }
    return std::nullopt;
  }

  bool keeps_time() const override {
    return requires(const StateType& st) {
      M::frozen_time(st);
    };
  }

 private:
  // Each update's or deletion's document as `before` renders it.
  static void fill_before(const StateType& before, std::vector<Announcement>& announced) {
    std::vector<Document> docs;
    for (Announcement& a : announced) {
      if (!a.type.ends_with(".updated") && !a.type.ends_with(".deleted")) continue;
      if (docs.empty()) M::documents(before, &docs);
      for (Document& d : docs) {
        if (d.object == a.object && d.id == a.id) a.before = d.json;
      }
    }
  }

  std::vector<EventSpec> events_;
  std::vector<ObjectSpec> objects_;
  std::vector<SettingSpec> settings_;
};

}  // namespace payledger::contract
