// The write routes of tax rates: create and update (Stripe has no delete: archive with
// active=false).
#include "api/routes.h"
#include "api/command_service.h"
#include "domain/contact.h"
#include "resources/tax_rates/module.h"

namespace payledger::tax_rates {
namespace {

using api::Call;
using api::Outcome;
using api::Params;

api::ApiError rejection_error(Rejection r, const std::string& id) {
  switch (r) {
    case Rejection::tax_rate_missing:
      return api::not_found("tax_rate", id);
    case Rejection::display_name_missing:
      return api::invalid_param("display_name", "parameter_missing",
                                "A tax rate needs a display_name.");
    case Rejection::percentage_invalid:
      return api::invalid_param("percentage", "parameter_invalid",
                                "percentage must be from 0 to 100.");
    case Rejection::country_invalid:
      return api::invalid_param("country", "parameter_invalid",
                                "country must be a two-letter ISO 3166-1 code, such as DE.");
    case Rejection::state_invalid:
      return api::invalid_param("state", "parameter_invalid",
                                "state must be an ISO 3166-2 subdivision code without its "
                                "country, such as NY.");
    case Rejection::tax_type_invalid:
      return api::invalid_param("tax_type", "parameter_invalid",
                                "tax_type must be one of Stripe's tax types, such as vat or "
                                "sales_tax.");
    case Rejection::tax_rate_exists:
      break;
  }
  return api::id_collision();
}

// Decides `decide(state)` on the tax rate `id` and answers with the tax rate it leaves.
template <class Decide>
Outcome run(Call& call, const std::string& id, bool fresh, Decide&& decide) {
  return api::decide_and_append<Module>(
      call, id, fresh, decide,
      [&](const std::vector<Event>&, const State& next) {
        return Outcome{200, render(*next), {}};
      },
      [&](Rejection r) { return rejection_error(r, id); });
}

// Country codes are taken in either case and kept upper case, as Stripe shows them.
std::optional<std::string> upper(std::optional<std::string> s) {
  if (s) *s = domain::upper_code(std::move(*s));
  return s;
}

Outcome create(Call& call) {
  Params& p = call.params;
  CreateTaxRate cmd;
  cmd.details.display_name = p.required_string("display_name", 50);
  const std::optional<std::int64_t> percentage = p.decimal("percentage", 4);
  const std::optional<bool> inclusive = p.boolean("inclusive");
  cmd.details.description = p.string("description", 500).value_or("");
  cmd.details.jurisdiction = p.string("jurisdiction", 50).value_or("");
  cmd.details.country = upper(p.string("country", 2)).value_or("");
  cmd.details.state = upper(p.string("state", 3)).value_or("");
  cmd.details.tax_type = p.string("tax_type", 50).value_or("");
  cmd.details.active = p.boolean("active").value_or(true);
  cmd.details.metadata = p.metadata("metadata");
  if (auto e = p.finish()) return api::error_outcome(*e);
  if (!percentage) {
    return api::error_outcome(api::invalid_param("percentage", "parameter_missing",
                                                 "Missing required param: percentage."));
  }
  if (!inclusive) {
    return api::error_outcome(
        api::invalid_param("inclusive", "parameter_missing", "Missing required param: inclusive."));
  }
  cmd.percentage = *percentage;
  cmd.inclusive = *inclusive;
  const std::string id = call.commands.new_id("txr");
  cmd.id = TaxRateId{id};
  return run(call, id, true, [&](const State& s) { return decide(s, cmd); });
}

Outcome update(Call& call) {
  Params& p = call.params;
  DetailsUpdate u;
  u.display_name = p.update_string("display_name", 50);
  u.description = p.update_string("description", 500);
  u.jurisdiction = p.update_string("jurisdiction", 50);
  u.country = upper(p.update_string("country", 2));
  u.state = upper(p.update_string("state", 3));
  u.tax_type = p.update_string("tax_type", 50);
  u.active = p.boolean("active");
  u.metadata = p.metadata_patch("metadata").value_or(domain::MetadataPatch{});
  if (auto e = p.finish()) return api::error_outcome(*e);
  return run(call, call.path[0], false,
             [&](const State& s) { return decide(s, UpdateTaxRate{u}); });
}

}  // namespace

void Module::routes(api::Routes& routes) {
  routes.add({"POST", "/v1/tax_rates", "/v1/tax_rates", "tax_rate", "", create});
  routes.add({"POST", R"(/v1/tax_rates/([^/]+))", "/v1/tax_rates/:id", "tax_rate", "txr_", update});
}

}  // namespace payledger::tax_rates
