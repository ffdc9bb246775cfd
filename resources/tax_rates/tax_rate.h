#pragma once
// Tax rates (Stripe's shape): a percentage with a name, for the merchant's invoices, orders and
// reports to name. Once created only its descriptive fields change: its percentage and whether
// it is inclusive never do (Stripe's rule: a different rate is a new rate, so that what was
// charged under the old one stays true). There is no delete; a rate is archived (active=false).
// Pure: events, state, decide and evolve.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/events.h"
#include "domain/expected.h"
#include "domain/fields.h"
#include "domain/types.h"

namespace payledger::tax_rates {

using domain::Field;

struct TaxRateIdTag {};
using TaxRateId = domain::Strong<TaxRateIdTag, std::string>;

// A percentage in ten-thousandths of a percent: 19.5 % is 195000 (Stripe takes four decimals).
inline constexpr std::int64_t kPercentScale = 10'000;
inline constexpr std::int64_t kMaxPercentage = 100 * kPercentScale;

// The fields a merchant sets at creation and may change later. Empty strings are absent (null).
struct Details {
  std::string display_name;  // shown to customers: "VAT", "Sales tax"
  std::string description;
  std::string jurisdiction;  // shown to customers: "DE", "Berlin"
  std::string country;       // ISO 3166-1 alpha-2, upper case
  std::string state;         // ISO 3166-2 subdivision code without the country: "NY"
  std::string tax_type;      // one of Stripe's (kTaxTypes)
  bool active = true;
  domain::Metadata metadata;
  bool operator==(const Details&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("display_name", s.display_name);
    v("description", s.description, Field::nullable);
    v("jurisdiction", s.jurisdiction, Field::nullable);
    v("country", s.country, Field::nullable);
    v("state", s.state, Field::nullable);
    v("tax_type", s.tax_type, Field::nullable);
    v("active", s.active);
    v("metadata", s.metadata);
  }
};

// Stripe's tax types.
inline constexpr std::string_view kTaxTypes[] = {
    "amusement_tax", "communications_tax", "gst",         "hst", "igst",
    "jct",           "lease_tax",          "pst",         "qst", "retail_delivery_fee",
    "rst",           "sales_tax",          "service_tax", "vat"};

struct TaxRateCreated {
  static constexpr std::string_view kType = "tax_rate.created";
  static constexpr int kSchemaVersion = 1;
  static constexpr std::string_view kSummary =
      "a tax rate exists: its percentage (ten-thousandths of a percent) and inclusiveness, fixed";
  TaxRateId id;
  std::int64_t percentage = 0;  // ten-thousandths of a percent (kPercentScale)
  bool inclusive = false;
  Details details;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("id", s.id);
    v("percentage", s.percentage);
    v("inclusive", s.inclusive);
    Details::fields(s.details, v);
  }
};

struct TaxRateUpdated {  // all the details after the update
  static constexpr std::string_view kType = "tax_rate.updated";
  static constexpr int kSchemaVersion = 1;
  static constexpr std::string_view kSummary =
      "the tax rate's details changed (never its percentage); data is all of them";
  Details details;
  template <class S, class V>
  static void fields(S& s, V& v) {
    Details::fields(s.details, v);
  }
};

using Event = std::variant<TaxRateCreated, TaxRateUpdated>;

struct TaxRate {
  TaxRateId id;
  std::int64_t percentage = 0;  // ten-thousandths of a percent
  bool inclusive = false;
  Details details;
  domain::UnixSeconds created;
  bool operator==(const TaxRate&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("id", s.id);
    v("percentage", s.percentage);
    v("inclusive", s.inclusive);
    v("details", s.details);
    v("created", s.created);
  }
};

// Ordered by precedence.
enum class Rejection : std::uint8_t {
  tax_rate_exists,       // create: the id is taken (a generated id collided)
  tax_rate_missing,      // update: no such tax rate
  display_name_missing,  // a tax rate needs a display name
  percentage_invalid,    // create: outside 0..100
  country_invalid,       // not a two-letter ISO 3166-1 code
  state_invalid,         // not 1 to 3 letters or digits
  tax_type_invalid,      // not one of kTaxTypes
};

struct DetailsUpdate {
  std::optional<std::string> display_name, description, jurisdiction, country, state, tax_type;
  std::optional<bool> active;
  domain::MetadataPatch metadata;
};

struct CreateTaxRate {
  TaxRateId id;
  std::int64_t percentage = 0;  // ten-thousandths of a percent
  bool inclusive = false;
  Details details;
};
struct UpdateTaxRate {
  DetailsUpdate update;
};

using State = std::optional<TaxRate>;
using Decision = Expected<std::vector<Event>, Rejection>;

Decision decide(const State& state, const CreateTaxRate& cmd);
Decision decide(const State& state, const UpdateTaxRate& cmd);

// REQUIRES: `event` is the stream's next.
State evolve(State state, const domain::RecordedOf<Event>& event);

// `percentage` as Stripe renders it: 19.5, 7, 0.0825 (a JSON number, no trailing zeros).
std::string percentage_text(std::int64_t percentage);

}  // namespace payledger::tax_rates
