#pragma once
// PaymentIntents and refunds as API objects (seeds 000, 001, 003), rendered from the intent's
// state. Every field is always present (null when empty).
#include <string>

#include "domain/payment_intent.h"

namespace payledger::payment_intents {

std::string render_intent(const domain::PaymentIntent& intent);
std::string render_charge(const domain::PaymentIntent& intent, const domain::Charge& charge);
std::string render_refund(const domain::PaymentIntent& intent, const domain::Refund& refund);

// The `charges.url` value of the API.
std::string charges_url(const domain::PaymentIntentId& id);

}  // namespace payledger::payment_intents
