#include "resources/customers/customer.h"

#include "domain/assert.h"
#include "domain/contact.h"
#include "domain/overloaded.h"

namespace payledger::customers {
namespace {

Unexpected<Rejection> reject(Rejection r) {
  return Unexpected<Rejection>{r};
}

// The first rule a profile breaks, in precedence order.
std::optional<Rejection> check(const Profile& p) {
  if (!p.email.empty() && !domain::plausible_email(p.email)) return Rejection::email_invalid;
  if (p.address && !domain::valid_country(p.address->country)) return Rejection::country_invalid;
  if (p.shipping) {
    if (p.shipping->name.empty() || p.shipping->address == Address{}) {
      return Rejection::shipping_invalid;
    }
    if (!domain::valid_country(p.shipping->address.country))
      return Rejection::shipping_country_invalid;
  }
  return std::nullopt;
}

Profile updated(Profile p, const ProfileUpdate& u) {
  if (u.email) p.email = *u.email;
  if (u.name) p.name = *u.name;
  if (u.phone) p.phone = *u.phone;
  if (u.description) p.description = *u.description;
  if (u.address) p.address = *u.address;
  if (u.shipping) p.shipping = *u.shipping;
  domain::apply_patch(p.metadata, u.metadata);
  return p;
}

}  // namespace

Decision decide(const State& state, const CreateCustomer& cmd) {
  if (state) return reject(Rejection::customer_exists);
  if (auto r = check(cmd.profile)) return reject(*r);
  return std::vector<Event>{CustomerCreated{cmd.id, cmd.profile, cmd.test_clock}};
}

Decision decide(const State& state, const UpdateCustomer& cmd) {
  if (!state || state->deleted) return reject(Rejection::customer_missing);
  Profile next = updated(state->profile, cmd.update);
  if (auto r = check(next)) return reject(*r);
  return std::vector<Event>{CustomerUpdated{std::move(next)}};
}

Decision decide(const State& state, const DeleteCustomer&) {
  if (!state || state->deleted) return reject(Rejection::customer_missing);
  return std::vector<Event>{CustomerDeleted{}};
}

State evolve(State state, const domain::RecordedOf<Event>& event) {
  std::visit(Overloaded{
                 [&](const CustomerCreated& e) {
                   PL_ASSERT(!state.has_value(), "a customer is created once");
                   state = Customer{e.id, e.profile, false, event.meta.occurred_at, e.test_clock};
                 },
                 [&](const CustomerUpdated& e) {
                   PL_ASSERT(state && !state->deleted, "only a live customer is updated");
                   state->profile = e.profile;
                 },
                 [&](const CustomerDeleted&) {
                   PL_ASSERT(state && !state->deleted, "a customer is deleted once");
                   state->deleted = true;
                 },
             },
             event.body);
  return state;
}

}  // namespace payledger::customers
