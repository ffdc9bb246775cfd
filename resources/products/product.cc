#include "resources/products/product.h"

#include "domain/assert.h"
#include "domain/overloaded.h"

namespace payledger::products {
namespace {

Unexpected<Rejection> reject(Rejection r) {
  return Unexpected<Rejection>{r};
}

bool live(const State& state) {
  return state && !state->deleted;
}

}  // namespace

Decision decide(const State& state, const CreateProduct& cmd) {
  if (state) return reject(Rejection::product_exists);
  if (cmd.details.name.empty()) return reject(Rejection::name_missing);
  return std::vector<Event>{ProductCreated{cmd.id, cmd.details}};
}

Decision decide(const State& state, const UpdateProduct& cmd) {
  if (!live(state)) return reject(Rejection::product_missing);
  const DetailsUpdate& u = cmd.update;
  if (u.name && u.name->empty()) return reject(Rejection::name_missing);
  Details next = state->details;
  if (u.name) next.name = *u.name;
  if (u.description) next.description = *u.description;
  if (u.active) next.active = *u.active;
  if (u.shippable) next.shippable = *u.shippable;
  domain::apply_patch(next.metadata, u.metadata);
  return std::vector<Event>{ProductUpdated{std::move(next)}};
}

Decision decide(const State& state, const AddPrice& cmd) {
  if (!live(state)) return reject(Rejection::product_missing);
  return std::vector<Event>{PriceAdded{cmd.price}};
}

Decision decide(const State& state, const DeleteProduct&) {
  if (!live(state)) return reject(Rejection::product_missing);
  if (state->prices > 0) return reject(Rejection::product_has_prices);
  return std::vector<Event>{ProductDeleted{}};
}

State evolve(State state, const domain::RecordedOf<Event>& event) {
  const domain::UnixSeconds at = event.meta.occurred_at;
  std::visit(Overloaded{
                 [&](const ProductCreated& e) {
                   PL_ASSERT(!state.has_value(), "a product is created once");
                   state = Product{e.id, e.details, 0, false, at, at};
                 },
                 [&](const ProductUpdated& e) {
                   PL_ASSERT(live(state), "only a live product is updated");
                   state->details = e.details;
                   state->updated = at;
                 },
                 [&](const PriceAdded&) {
                   PL_ASSERT(live(state), "prices are added to a live product");
                   ++state->prices;
                 },
                 [&](const ProductDeleted&) {
                   PL_ASSERT(live(state) && state->prices == 0,
                             "only a product without prices "
                             "is deleted");
                   state->deleted = true;
                 },
             },
             event.body);
  return state;
}

}  // namespace payledger::products
