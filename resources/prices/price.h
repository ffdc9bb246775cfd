#pragma once
// Prices (Stripe's shape, one-time): an amount in a currency for a product. The amount and
// currency never change; active, nickname and metadata may. Pure: events, state, decide, evolve.
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/events.h"
#include "domain/expected.h"
#include "domain/fields.h"
#include "domain/money.h"
#include "domain/types.h"
#include "resources/prices/id.h"
#include "resources/products/id.h"

namespace payledger::prices {

using domain::Field;

struct PriceCreated {
  static constexpr std::string_view kType = "price.created";
  static constexpr int kSchemaVersion = 1;
  static constexpr std::string_view kSummary = "a price of a product exists";
  PriceId id;
  products::ProductId product;
  domain::Currency currency;
  domain::Amount unit_amount;
  std::string nickname;
  bool active = true;
  domain::Metadata metadata;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("id", s.id);
    v("product", s.product);
    v("currency", s.currency);
    v("unit_amount", s.unit_amount);
    v("nickname", s.nickname, Field::nullable);
    v("active", s.active);
    v("metadata", s.metadata);
  }
};

struct PriceUpdated {  // what may change, all of it after the update
  static constexpr std::string_view kType = "price.updated";
  static constexpr int kSchemaVersion = 1;
  static constexpr std::string_view kSummary =
      "the price's active flag, nickname or metadata changed; data is all three";
  bool active = true;
  std::string nickname;
  domain::Metadata metadata;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("active", s.active);
    v("nickname", s.nickname, Field::nullable);
    v("metadata", s.metadata);
  }
};

using Event = std::variant<PriceCreated, PriceUpdated>;

// The state: what price.created said (declared there once), as later updates leave it, and when.
struct Price : PriceCreated {
  domain::UnixSeconds created;
  template <class S, class V>
  static void fields(S& s, V& v) {
    PriceCreated::fields(s, v);
    v("created", s.created);
  }
};

enum class Rejection : std::uint8_t {
  price_exists,         // create: the id is taken (a generated id collided)
  price_missing,        // update: no such price
  currency_invalid,     // not a supported ISO 4217 code
  unit_amount_invalid,  // below 0 or above 99,999,999
};

struct CreatePrice {
  PriceId id;
  products::ProductId product;  // REQUIRES: a live product of the merchant (checked by the caller)
  std::string currency;
  std::int64_t unit_amount_minor = 0;
  std::string nickname;
  bool active = true;
  domain::Metadata metadata;
};
struct UpdatePrice {
  std::optional<bool> active;
  std::optional<std::string> nickname;
  domain::MetadataPatch metadata;
};

using State = std::optional<Price>;
using Decision = Expected<std::vector<Event>, Rejection>;

Decision decide(const State& state, const CreatePrice& cmd);
Decision decide(const State& state, const UpdatePrice& cmd);

// REQUIRES: `event` is the stream's next.
State evolve(State state, const domain::RecordedOf<Event>& event);

}  // namespace payledger::prices
