#pragma once
// PaymentIntents and refunds as API objects (seeds 000, 001, 003), rendered from the intent's
// state. Every field is always present (null when empty).
#include <string>

#include "resources/payment_intents/intent.h"

namespace payledger::payment_intents {

std::string render_intent(const PaymentIntent& intent);
std::string render_charge(const PaymentIntent& intent, const Charge& charge);
std::string render_refund(const PaymentIntent& intent, const Refund& refund);

// The `charges.url` value of the API.
std::string charges_url(const PaymentIntentId& id);

}  // namespace payledger::payment_intents
