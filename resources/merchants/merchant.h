#pragma once
// Merchants and their API keys: the accounts every other resource belongs to. Pure: the events,
// the state and evolve (no I/O, no JSON).
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/events.h"
#include "domain/fields.h"
#include "domain/types.h"

namespace payledger::merchants {

struct MerchantCreated {
  static constexpr std::string_view kType = "merchant.created";
  static constexpr std::string_view kSummary = "a merchant account exists";
  static constexpr int kSchemaVersion = 1;
  domain::MerchantId id;
  std::string name;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("id", s.id);
    v("name", s.name);
  }
};

struct ApiKeyCreated {
  static constexpr std::string_view kType = "api_key.created";
  static constexpr std::string_view kSummary =
      "a secret key for the merchant (only its SHA-256 is kept)";
  static constexpr int kSchemaVersion = 1;
  std::string key_sha256;  // hex of SHA-256 of the secret key; the key itself is never stored
  std::string key_last4;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("key_sha256", s.key_sha256);
    v("key_last4", s.key_last4);
  }
};

using Event = std::variant<MerchantCreated, ApiKeyCreated>;

struct ApiKey {
  std::string sha256;
  std::string last4;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("sha256", s.sha256);
    v("last4", s.last4);
  }
};

struct Merchant {
  domain::MerchantId id;
  std::string name;
  std::vector<ApiKey> keys;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("id", s.id);
    v("name", s.name);
    v("keys", s.keys);
  }
};

// REQUIRES: `event` is the stream's next (a merchant stream starts with merchant.created).
std::optional<Merchant> evolve(std::optional<Merchant> state,
                               const domain::RecordedOf<Event>& event);

}  // namespace payledger::merchants
