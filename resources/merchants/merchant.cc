#include "resources/merchants/merchant.h"

#include "domain/assert.h"
#include "domain/overloaded.h"

namespace payledger::merchants {

std::optional<Merchant> evolve(std::optional<Merchant> state,
                               const domain::RecordedOf<Event>& event) {
  std::visit(Overloaded{
                 [&](const MerchantCreated& e) {
                   PL_ASSERT(!state.has_value(), "a merchant is created once");
                   state = Merchant{e.id, e.name, {}};
                 },
                 [&](const ApiKeyCreated& e) {
                   PL_ASSERT(state.has_value(), "a key belongs to a created merchant");
                   state->keys.push_back({e.key_sha256, e.key_last4});
                 },
             },
             event.body);
  return state;
}

}  // namespace payledger::merchants
