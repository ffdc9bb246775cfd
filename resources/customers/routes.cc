// The write routes of customers: create, update, delete.
#include "api/routes.h"
#include "api/command_service.h"
#include "contract/aggregate.h"
#include "domain/contact.h"
#include "resources/customers/module.h"
#include "resources/test_clocks/module.h"

namespace payledger::customers {
namespace {

using api::Call;
using api::Outcome;
using api::Params;

api::ApiError rejection_error(Rejection r, const std::string& id) {
  switch (r) {
    case Rejection::customer_missing:
      return api::not_found("customer", id);
    case Rejection::email_invalid:
      return api::invalid_param("email", "email_invalid",
                                "email must be an address like jenny@example.com.");
    case Rejection::country_invalid:
      return api::invalid_param("address[country]", "parameter_invalid",
                                "country must be a two-letter ISO 3166-1 code, such as US.");
    case Rejection::shipping_country_invalid:
      return api::invalid_param("shipping[address][country]", "parameter_invalid",
                                "country must be a two-letter ISO 3166-1 code, such as US.");
    case Rejection::shipping_invalid:
      return api::invalid_param("shipping", "parameter_missing",
                                "shipping needs a name and an address.");
    case Rejection::customer_exists:
      break;
  }
  return api::id_collision();
}

Address address_at(Params& p, const std::string& name) {
  auto field = [&](const char* key, std::size_t max) {
    return p.string(name + "[" + key + "]", max).value_or("");
  };
  Address a{field("line1", 200),      field("line2", 200), field("city", 200),
            field("postal_code", 20), field("state", 200), field("country", 2)};
  a.country = domain::upper_code(std::move(a.country));
  return a;
}

Shipping shipping_at(Params& p) {
  return Shipping{p.string("shipping[name]", 256).value_or(""),
                  p.string("shipping[phone]", 32).value_or(""), address_at(p, "shipping[address]")};
}

// An object parameter: absent, sent empty ("" or null: not given, or an update's "unset"), or
// given.
template <class T, class Read>
std::optional<std::optional<T>> object_update(Params& p, const std::string& name, Read read) {
  const auto given = p.object_given(name);
  if (!given) return std::nullopt;
  if (!*given) return std::optional<T>();
  return std::optional<T>(read());
}

// Decides `decide(state)` on the customer `id` and answers with the customer it leaves (or its
// tombstone once deleted).
template <class Decide>
Outcome run(Call& call, const std::string& id, bool fresh, Decide&& decide) {
  return api::decide_and_append<Module>(
      call, id, fresh, decide,
      [&](const std::vector<Event>&, const State& next) {
        return api::object_or_tombstone("customer", id, next, render);
      },
      [&](Rejection r) { return rejection_error(r, id); });
}

// A new customer. On a test clock, the clock must be the merchant's and live (guarded in the
// append), and the customer is created at the clock's time.
api::Attempt create_attempt(api::Transaction& tx, const std::string& id, const Profile& profile,
                            const std::string& test_clock) {
  auto clock = tx.reference<test_clocks::Module>(test_clock, "test_clock");
  if (!clock) return Unexpected{clock.error()};
  if (auto now = tx.live_on(clock->clock); !now) return Unexpected{now.error()};
  const api::Loaded<Module> fresh{id, 0, std::nullopt};
  auto decision = decide(fresh.state, CreateCustomer{CustomerId{id}, profile, test_clock});
  if (!decision) return Unexpected{rejection_error(decision.error(), id)};
  const auto next = tx.add(fresh, *decision);
  return Outcome{200, render(*next), {}};
}

Outcome create(Call& call) {
  Params& p = call.params;
  Profile profile;
  profile.email = p.string("email", 512).value_or("");
  profile.name = p.string("name", 256).value_or("");
  profile.phone = p.string("phone", 32).value_or("");
  profile.description = p.string("description", 5000).value_or("");
  profile.address = object_update<Address>(p, "address", [&] {
                      return address_at(p, "address");
                    }).value_or(std::nullopt);
  profile.shipping =
      object_update<Shipping>(p, "shipping", [&] { return shipping_at(p); }).value_or(std::nullopt);
  profile.metadata = p.metadata("metadata");
  std::string test_clock = p.string("test_clock", 255).value_or("");
  if (auto e = p.finish()) return api::error_outcome(*e);
  const std::string id = call.commands.new_id("cus");
  return api::transact(call.commands, call.merchant, call.idempotency,
                       [&](api::Transaction& tx) -> api::Attempt {
                         return create_attempt(tx, id, profile, test_clock);
                       });
}

Outcome update(Call& call) {
  Params& p = call.params;
  ProfileUpdate u;
  u.email = p.update_string("email", 512);
  u.name = p.update_string("name", 256);
  u.phone = p.update_string("phone", 32);
  u.description = p.update_string("description", 5000);
  u.address = object_update<Address>(p, "address", [&] { return address_at(p, "address"); });
  u.shipping = object_update<Shipping>(p, "shipping", [&] { return shipping_at(p); });
  u.metadata = p.metadata_patch("metadata").value_or(domain::MetadataPatch{});
  if (auto e = p.finish()) return api::error_outcome(*e);
  return run(call, call.path[0], false,
             [&](const State& s) { return decide(s, UpdateCustomer{u}); });
}

Outcome remove(Call& call) {
  if (auto e = call.params.finish()) return api::error_outcome(*e);
  return run(call, call.path[0], false,
             [&](const State& s) { return decide(s, DeleteCustomer{}); });
}

}  // namespace

void Module::routes(api::Routes& routes) {
  routes.add({"POST", "/v1/customers", "/v1/customers", "customer", "", create});
  routes.add({"POST", R"(/v1/customers/([^/]+))", "/v1/customers/:id", "customer", "cus_", update});
  routes.add(
      {"DELETE", R"(/v1/customers/([^/]+))", "/v1/customers/:id", "customer", "cus_", remove});
}

}  // namespace payledger::customers
