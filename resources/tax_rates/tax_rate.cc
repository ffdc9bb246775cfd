#include "resources/tax_rates/tax_rate.h"

#include <algorithm>
#include <cctype>

#include "domain/assert.h"
#include "domain/contact.h"
#include "domain/overloaded.h"

namespace payledger::tax_rates {
namespace {

Unexpected<Rejection> reject(Rejection r) {
  return Unexpected<Rejection>{r};
}

bool valid_state(std::string_view s) {
  return s.size() <= 3 &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c) != 0; });
}

bool valid_tax_type(std::string_view t) {
  return t.empty() ||
         std::find(std::begin(kTaxTypes), std::end(kTaxTypes), t) != std::end(kTaxTypes);
}

// The details' own rules, in precedence order; nullopt when they hold.
std::optional<Rejection> check(const Details& d) {
  if (d.display_name.empty()) return Rejection::display_name_missing;
  if (!d.country.empty() && !domain::valid_country(d.country)) return Rejection::country_invalid;
  if (!valid_state(d.state)) return Rejection::state_invalid;
  if (!valid_tax_type(d.tax_type)) return Rejection::tax_type_invalid;
  return std::nullopt;
}

}  // namespace

Decision decide(const State& state, const CreateTaxRate& cmd) {
  if (state) return reject(Rejection::tax_rate_exists);
  // The display name outranks the percentage; check() finds the rest, in order.
  if (cmd.details.display_name.empty()) return reject(Rejection::display_name_missing);
  if (cmd.percentage < 0 || cmd.percentage > kMaxPercentage) {
    return reject(Rejection::percentage_invalid);
  }
  if (auto r = check(cmd.details)) return reject(*r);
  return std::vector<Event>{TaxRateCreated{cmd.id, cmd.percentage, cmd.inclusive, cmd.details}};
}

Decision decide(const State& state, const UpdateTaxRate& cmd) {
  if (!state) return reject(Rejection::tax_rate_missing);
  const DetailsUpdate& u = cmd.update;
  Details next = state->details;
  if (u.display_name) next.display_name = *u.display_name;
  if (u.description) next.description = *u.description;
  if (u.jurisdiction) next.jurisdiction = *u.jurisdiction;
  if (u.country) next.country = *u.country;
  if (u.state) next.state = *u.state;
  if (u.tax_type) next.tax_type = *u.tax_type;
  if (u.active) next.active = *u.active;
  domain::apply_patch(next.metadata, u.metadata);
  if (auto r = check(next)) return reject(*r);
  return std::vector<Event>{TaxRateUpdated{std::move(next)}};
}

State evolve(State state, const domain::RecordedOf<Event>& event) {
  std::visit(
      Overloaded{
          [&](const TaxRateCreated& e) {
            PL_ASSERT(!state.has_value(), "a tax rate is created once");
            PL_ASSERT(e.percentage >= 0 && e.percentage <= kMaxPercentage,
                      "a tax rate's percentage is from 0 to 100");
            state = TaxRate{e.id, e.percentage, e.inclusive, e.details, event.meta.occurred_at};
          },
          [&](const TaxRateUpdated& e) {
            PL_ASSERT(state.has_value(), "only an existing tax rate is updated");
            state->details = e.details;
          },
      },
      event.body);
  return state;
}

std::string percentage_text(std::int64_t percentage) {
  PL_ASSERT(percentage >= 0, "a percentage is not negative");
  std::string out = std::to_string(percentage / kPercentScale);
  std::string fraction = std::to_string(percentage % kPercentScale);
  fraction.insert(0, 4 - fraction.size(), '0');
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  if (!fraction.empty()) out += "." + fraction;
  return out;
}

}  // namespace payledger::tax_rates
