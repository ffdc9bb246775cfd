#pragma once
// The merchant resource: accounts and API keys. No HTTP routes: merchants are made by
// payledgerd's bootstrap (--bootstrap-key) and the test helpers; the API authenticates with the
// `api_key` documents (found by the key's SHA-256, without a merchant).
#include "api/command_service.h"
#include "api/routes.h"
#include "contract/aggregate.h"
#include "resources/merchants/merchant.h"

namespace payledger::merchants {

struct Module {
  using State = Merchant;
  using Event = merchants::Event;
  static constexpr std::string_view kName = "merchant";
  static constexpr std::string_view kStreamPrefix = contract::kMerchantStreamPrefix;
  static constexpr std::string_view kTopic = "merchants";

  static std::optional<Merchant> evolve(std::optional<Merchant> s,
                                        const domain::RecordedOf<Event>& e) {
    return merchants::evolve(std::move(s), e);
  }
  static bool exists(const Merchant&) { return true; }
  static std::vector<contract::ObjectSpec> objects();
  static void created(const domain::RecordedOf<Event>& e, std::vector<contract::DocumentRef>* out);
  static void documents(const Merchant& m, std::vector<contract::Document>* out);
  static void routes(api::Routes&) {}
};

const contract::Aggregate& aggregate();

struct NewMerchant {
  domain::MerchantId id;
  eventstore::Position position;
};
// Records a merchant that owns the key whose SHA-256 is `key_sha256`.
Expected<NewMerchant, eventstore::Status> create(api::CommandService& commands,
                                                 const std::string& name,
                                                 const std::string& key_sha256,
                                                 const std::string& key_last4);

}  // namespace payledger::merchants
