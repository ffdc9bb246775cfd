#pragma once
// The test-mode card network: deterministic outcomes keyed by payment method id, like a card
// network's test numbers. Unknown ids are rejected by the decider (parameter payment_method).
#include <optional>
#include <string>
#include <string_view>

namespace payledger::payment_intents {

enum class CardOutcome {
  approve,             // authorized at once
  decline,             // a failed charge with a decline code
  require_3ds,         // requires_action until a later confirm completes authentication
  async_then_approve,  // processing, then succeeds when the settlement is due
  async_then_decline,  // processing, then fails when the settlement is due
};

struct TestCard {
  std::string_view id;
  CardOutcome outcome;
  std::string_view failure_code;  // empty unless declined
  std::string_view decline_code;  // empty unless declined
  std::string_view message;       // what last_payment_error.message says
};

// Returns the behaviour of a test payment method, or nullopt for an id the network doesn't know.
std::optional<TestCard> find_test_card(std::string_view payment_method);

// Seconds an asynchronous payment method stays in `processing` before it settles.
inline constexpr std::int64_t kAsyncSettlementSeconds = 5;

}  // namespace payledger::payment_intents
