#pragma once
// Strong types: an id of one kind cannot be passed where another is expected, and a version
// cannot be added to an amount by accident.
#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace payledger::domain {

template <class Tag, class T>
struct Strong {
  T value{};
  auto operator<=>(const Strong&) const = default;
};

// The ids every layer shares: the merchant that owns a stream, and an event's id. A resource
// declares its own ids in its folder (resources/customers/id.h, ...).
struct MerchantIdTag {};
struct EventIdTag {};
struct StreamVersionTag {};
struct UnixSecondsTag {};

using MerchantId = Strong<MerchantIdTag, std::string>;
using EventId = Strong<EventIdTag, std::string>;

// The number of events in a stream; the first event of a stream has version 1, and an absent
// stream has version 0.
using StreamVersion = Strong<StreamVersionTag, std::uint64_t>;

// Seconds since the Unix epoch, as the API reports `created`. Always passed in, never read.
using UnixSeconds = Strong<UnixSecondsTag, std::int64_t>;

// Sorted so that every rendering of the same metadata is byte-identical.
using Metadata = std::map<std::string, std::string>;

// An update of metadata, as Stripe takes it: each key set to a value, or unset (nullopt); with
// `clear`, every key not set here is removed first.
struct MetadataPatch {
  bool clear = false;
  std::map<std::string, std::optional<std::string>> entries;
};

// Applies `patch` to `m`.
inline void apply_patch(Metadata& m, const MetadataPatch& patch) {
  if (patch.clear) m.clear();
  for (const auto& [k, v] : patch.entries) {
    if (v) {
      m[k] = *v;
    } else {
      m.erase(k);
    }
  }
}

inline constexpr std::int64_t kSecondsPerDay = 86'400;

}  // namespace payledger::domain
