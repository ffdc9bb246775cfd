#include "resources/prices/price.h"

#include "domain/assert.h"
#include "domain/overloaded.h"

namespace payledger::prices {
namespace {

Unexpected<Rejection> reject(Rejection r) {
  return Unexpected<Rejection>{r};
}

}  // namespace

Decision decide(const State& state, const CreatePrice& cmd) {
  if (state) return reject(Rejection::price_exists);
  const auto currency = domain::Currency::parse(cmd.currency);
  if (!currency) return reject(Rejection::currency_invalid);
  // A price may be free (0), unlike a charge.
  if (cmd.unit_amount_minor < 0 || cmd.unit_amount_minor > domain::kMaxAmountMinor) {
    return reject(Rejection::unit_amount_invalid);
  }
  return std::vector<Event>{PriceCreated{cmd.id, cmd.product, *currency,
                                         domain::Amount::of_minor(cmd.unit_amount_minor),
                                         cmd.nickname, cmd.active, cmd.metadata}};
}

Decision decide(const State& state, const UpdatePrice& cmd) {
  if (!state) return reject(Rejection::price_missing);
  PriceUpdated next{state->active, state->nickname, state->metadata};
  if (cmd.active) next.active = *cmd.active;
  if (cmd.nickname) next.nickname = *cmd.nickname;
  domain::apply_patch(next.metadata, cmd.metadata);
  return std::vector<Event>{std::move(next)};
}

State evolve(State state, const domain::RecordedOf<Event>& event) {
  std::visit(Overloaded{
                 [&](const PriceCreated& e) {
                   PL_ASSERT(!state.has_value(), "a price is created once");
                   state = Price{e, event.meta.occurred_at};
                 },
                 [&](const PriceUpdated& e) {
                   PL_ASSERT(state.has_value(), "only a created price is updated");
                   state->active = e.active;
                   state->nickname = e.nickname;
                   state->metadata = e.metadata;
                 },
             },
             event.body);
  return state;
}

}  // namespace payledger::prices
