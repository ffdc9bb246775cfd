#include "resources/merchants/module.h"

#include "contract/aggregate_of.h"

namespace payledger::merchants {

std::vector<contract::ObjectSpec> Module::objects() {
  return {{"merchant", kStreamPrefix, "", {}}, {contract::kApiKeyObject, "", "", {}}};
}

void Module::created(const domain::RecordedOf<Event>& e, std::vector<contract::DocumentRef>* out) {
  if (const auto* m = std::get_if<MerchantCreated>(&e.body)) {
    out->push_back({"merchant", m->id.value});
  } else if (const auto* k = std::get_if<ApiKeyCreated>(&e.body)) {
    out->push_back({contract::kApiKeyObject, k->key_sha256});
  }
}

void Module::documents(const Merchant& m, std::vector<contract::Document>* out) {
  json::Writer w;
  w.begin_object();
  w.text("id", m.id.value);
  w.text("object", "merchant");
  w.text("name", m.name);
  w.end_object();
  out->push_back({"merchant", m.id.value, w.take(), {}, false, true});
  // Found by hash at authentication, before any merchant is known: not merchant-wide.
  for (const ApiKey& k : m.keys)
    out->push_back({"api_key", k.sha256, m.id.value, {}, false, false});
}

const contract::Aggregate& aggregate() {
  static const contract::AggregateOf<Module> instance;
  return instance;
}

Expected<NewMerchant, eventstore::Status> create(api::CommandService& commands,
                                                 const std::string& name,
                                                 const std::string& key_sha256,
                                                 const std::string& key_last4) {
  const domain::MerchantId id{commands.new_id("mer")};
  const api::Outcome o =
      api::transact(commands, id, nullptr, [&](api::Transaction& tx) -> api::Attempt {
        (void)tx.add(api::Loaded<Module>{id.value, 0, std::nullopt},
                     {MerchantCreated{id, name}, ApiKeyCreated{key_sha256, key_last4}});
        return api::Outcome{};
      });
  if (o.conflict || o.http_status != 200) {
    return Unexpected{eventstore::Status::io_error("creating a merchant: " + o.body)};
  }
  return NewMerchant{id, o.position};
}

}  // namespace payledger::merchants
