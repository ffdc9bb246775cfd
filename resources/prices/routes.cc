// The write routes of prices: create (for an existing product, or a new one from product_data,
// in the same atomic append) and update.
#include "api/routes.h"
#include "api/command_service.h"
#include "resources/prices/module.h"
#include "resources/products/module.h"

namespace payledger::prices {
namespace {

using api::ApiError;
using api::Call;
using api::Outcome;
using api::Params;

api::ApiError rejection_error(Rejection r, const std::string& id) {
  switch (r) {
    case Rejection::price_missing:
      return api::not_found("price", id);
    case Rejection::currency_invalid:
      return api::invalid_param("currency", "parameter_invalid",
                                "currency must be a supported lowercase ISO 4217 code.");
    case Rejection::unit_amount_invalid:
      return api::invalid_param("unit_amount", "parameter_invalid_integer",
                                "unit_amount must be from 0 to 99999999 (minor units).");
    case Rejection::price_exists:
      break;
  }
  return api::id_collision();
}

// The product a new price names: an existing one (`product`) or a new one (`product_data`).
struct ProductChoice {
  std::optional<std::string> id;
  std::optional<products::Details> data;
};

Expected<ProductChoice, api::ApiError> product_choice(Params& p) {
  ProductChoice c;
  c.id = p.string("product", 100);
  if (p.is_object("product_data")) {
    products::Details d;
    d.name = p.string("product_data[name]", 250).value_or("");
    d.active = p.boolean("product_data[active]").value_or(true);
    d.metadata = p.metadata("product_data[metadata]");
    c.data = std::move(d);
  } else if (p.has("product_data")) {
    return Unexpected{api::invalid_param("product_data", "parameter_invalid",
                                         "product_data must be an object with a name.")};
  }
  if (c.id && c.data) {
    return Unexpected{api::invalid_param("product_data", "parameter_invalid",
                                         "Pass product or product_data, not both.")};
  }
  if (!c.id && !c.data) {
    return Unexpected{api::invalid_param("product", "parameter_missing",
                                         "Missing required param: product (or product_data).")};
  }
  return c;
}

// The product's stream and its events for this price: a new product's creation, then the
// price's addition. A rejection is told as the parameter the client sent.
Expected<std::pair<api::Loaded<products::Module>, std::vector<products::Event>>, ApiError>
product_events(api::Transaction& tx, const ProductChoice& choice, const PriceId& price,
               const std::string& new_product_id) {
  api::Loaded<products::Module> at{new_product_id, 0, std::nullopt};
  std::vector<products::Event> events;
  const std::string param = choice.id ? "product" : "product_data";
  if (choice.id) {
    auto loaded = tx.load<products::Module>(*choice.id);
    if (!loaded) return Unexpected{loaded.error()};
    at = std::move(*loaded);
  } else {
    auto created = products::decide(
        at.state, products::CreateProduct{products::ProductId{at.stream_id}, *choice.data});
    if (!created) {
      return Unexpected{products::rejection_error(created.error(), at.stream_id, param)};
    }
    events = std::move(*created);
  }
  const auto before = api::after(at, events, tx.merchant(), tx.now());
  auto added = products::decide(before.state, products::AddPrice{price});
  if (!added) {
    return Unexpected{products::rejection_error(added.error(), at.stream_id, param)};
  }
  events.insert(events.end(), added->begin(), added->end());
  return std::make_pair(std::move(at), std::move(events));
}

Outcome create(Call& call) {
  Params& p = call.params;
  CreatePrice cmd;
  cmd.currency = p.required_string("currency", 3);
  cmd.unit_amount_minor = p.required_integer("unit_amount");
  cmd.nickname = p.string("nickname", 250).value_or("");
  cmd.active = p.boolean("active").value_or(true);
  cmd.metadata = p.metadata("metadata");
  auto choice = product_choice(p);
  if (auto e = p.finish()) return api::error_outcome(*e);
  if (!choice) return api::error_outcome(choice.error());
  const api::Loaded<Module> fresh{call.commands.new_id("price"), 0, std::nullopt};
  const std::string new_product_id = call.commands.new_id("prod");
  cmd.id = PriceId{fresh.stream_id};
  // The price and its product's events in one atomic append.
  return api::transact(call.commands, call.merchant, call.idempotency,
                       [&](api::Transaction& tx) -> api::Attempt {
                         auto product = product_events(tx, *choice, cmd.id, new_product_id);
                         if (!product) return Unexpected{product.error()};
                         cmd.product = products::ProductId{product->first.stream_id};
                         auto decision = decide(fresh.state, cmd);
                         if (!decision) {
                           return Unexpected{rejection_error(decision.error(), fresh.stream_id)};
                         }
                         (void)tx.add(product->first, product->second);
                         const auto next = tx.add(fresh, *decision);
                         return Outcome{200, render(*next), {}};
                       });
}

Outcome update(Call& call) {
  Params& p = call.params;
  UpdatePrice u;
  u.active = p.boolean("active");
  u.nickname = p.update_string("nickname", 250);
  u.metadata = p.metadata_patch("metadata").value_or(domain::MetadataPatch{});
  if (auto e = p.finish()) return api::error_outcome(*e);
  const std::string& id = call.path[0];
  return api::decide_and_append<Module>(
      call, id, false, [&](const State& s) { return decide(s, u); },
      [&](const std::vector<Event>&, const State& next) {
        return Outcome{200, render(*next), {}};
      },
      [&](Rejection r) { return rejection_error(r, id); });
}

}  // namespace

void Module::routes(api::Routes& routes) {
  routes.add({"POST", "/v1/prices", "/v1/prices", "price", "", create});
  routes.add({"POST", R"(/v1/prices/([^/]+))", "/v1/prices/:id", "price", "price_", update});
}

}  // namespace payledger::prices
