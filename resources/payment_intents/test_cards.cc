#include "resources/payment_intents/test_cards.h"

#include <array>

namespace payledger::payment_intents {
namespace {

constexpr std::string_view kDeclined = "Your card was declined.";

constexpr std::array<TestCard, 14> kCards = {{
    {"pm_card_visa", CardOutcome::approve, "", "", ""},
    {"pm_card_visa_debit", CardOutcome::approve, "", "", ""},
    {"pm_card_mastercard", CardOutcome::approve, "", "", ""},
    {"pm_card_amex", CardOutcome::approve, "", "", ""},
    {"pm_card_discover", CardOutcome::approve, "", "", ""},
    {"pm_card_chargeDeclined", CardOutcome::decline, "card_declined", "generic_decline", kDeclined},
    {"pm_card_insufficientFunds", CardOutcome::decline, "card_declined", "insufficient_funds",
     "Your card has insufficient funds."},
    {"pm_card_lostCard", CardOutcome::decline, "card_declined", "lost_card", kDeclined},
    {"pm_card_expired", CardOutcome::decline, "expired_card", "expired_card",
     "Your card has expired."},
    {"pm_card_incorrectCvc", CardOutcome::decline, "incorrect_cvc", "incorrect_cvc",
     "Your card's security code is incorrect."},
    {"pm_card_processingError", CardOutcome::decline, "processing_error", "processing_error",
     "An error occurred while processing your card. Try again in a little bit."},
    {"pm_card_threeDSecureRequired", CardOutcome::require_3ds, "", "", ""},
    {"pm_usBankAccount_success", CardOutcome::async_then_approve, "", "", ""},
    {"pm_usBankAccount_insufficientFunds", CardOutcome::async_then_decline, "insufficient_funds",
     "insufficient_funds", "The bank account has insufficient funds."},
}};

}  // namespace

std::optional<TestCard> find_test_card(std::string_view payment_method) {
  for (const TestCard& card : kCards) {
    if (card.id == payment_method) return card;
  }
  return std::nullopt;
}

}  // namespace payledger::payment_intents
