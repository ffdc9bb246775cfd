#pragma once
// Strong types: an id of one kind cannot be passed where another is expected, and a version
// cannot be added to an amount by accident.
#include <compare>
#include <cstdint>
#include <map>
#include <string>

namespace payledger::domain {

template <class Tag, class T>
struct Strong {
  T value{};
  auto operator<=>(const Strong&) const = default;
};

// clang-format off
struct PaymentIntentIdTag {}; struct ChargeIdTag {}; struct RefundIdTag {};
struct MerchantIdTag {}; struct EventIdTag {}; struct PaymentMethodIdTag {};
struct StreamVersionTag {}; struct UnixSecondsTag {};
// clang-format on

using PaymentIntentId = Strong<PaymentIntentIdTag, std::string>;
using ChargeId = Strong<ChargeIdTag, std::string>;
using RefundId = Strong<RefundIdTag, std::string>;
using MerchantId = Strong<MerchantIdTag, std::string>;
using EventId = Strong<EventIdTag, std::string>;
using PaymentMethodId = Strong<PaymentMethodIdTag, std::string>;

// The number of events in a stream; the first event of a stream has version 1, and an absent
// stream has version 0.
using StreamVersion = Strong<StreamVersionTag, std::uint64_t>;

// Seconds since the Unix epoch, as the API reports `created`. Always passed in, never read.
using UnixSeconds = Strong<UnixSecondsTag, std::int64_t>;

// Sorted so that every rendering of the same metadata is byte-identical.
using Metadata = std::map<std::string, std::string>;

inline constexpr std::int64_t kSecondsPerDay = 86'400;

}  // namespace payledger::domain
