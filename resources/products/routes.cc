// The write routes of products: create, update, delete.
#include "api/routes.h"
#include "api/command_service.h"
#include "contract/aggregate.h"
#include "resources/products/module.h"

namespace payledger::products {
namespace {

using api::Call;
using api::Outcome;
using api::Params;

// Decides `decide(state)` on the product `id` and answers with the product it leaves (or its
// tombstone once deleted).
template <class Decide>
Outcome run(Call& call, const std::string& id, bool fresh, Decide&& decide) {
  return api::decide_and_append<Module>(
      call, id, fresh, decide,
      [&](const std::vector<Event>&, const State& next) {
        return api::object_or_tombstone("product", id, next, render);
      },
      [&](Rejection r) { return rejection_error(r, id, "id"); });
}

Outcome create(Call& call) {
  Params& p = call.params;
  Details d;
  d.name = p.required_string("name", 250);
  d.description = p.string("description", 5000).value_or("");
  d.active = p.boolean("active").value_or(true);
  d.shippable = p.boolean("shippable");
  d.metadata = p.metadata("metadata");
  if (auto e = p.finish()) return api::error_outcome(*e);
  const std::string id = call.commands.new_id("prod");
  return run(call, id, true, [&](const State& s) {
    return decide(s, CreateProduct{ProductId{id}, d});
  });
}

Outcome update(Call& call) {
  Params& p = call.params;
  DetailsUpdate u;
  u.name = p.update_string("name", 250);
  u.description = p.update_string("description", 5000);
  u.active = p.boolean("active");
  if (p.has("shippable")) u.shippable = p.boolean("shippable");
  u.metadata = p.metadata_patch("metadata").value_or(domain::MetadataPatch{});
  if (auto e = p.finish()) return api::error_outcome(*e);
  return run(call, call.path[0], false,
             [&](const State& s) { return decide(s, UpdateProduct{u}); });
}

Outcome remove(Call& call) {
  if (auto e = call.params.finish()) return api::error_outcome(*e);
  return run(call, call.path[0], false, [&](const State& s) { return decide(s, DeleteProduct{}); });
}

}  // namespace

void Module::routes(api::Routes& routes) {
  routes.add({"POST", "/v1/products", "/v1/products", "product", "", create});
  routes.add({"POST", R"(/v1/products/([^/]+))", "/v1/products/:id", "product", "prod_", update});
  routes.add({"DELETE", R"(/v1/products/([^/]+))", "/v1/products/:id", "product", "prod_", remove});
}

}  // namespace payledger::products
