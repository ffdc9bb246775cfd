#pragma once
// Business rejections: a command that is well-formed but not allowed. How each is told to an
// API client (status, code, parameter) is the API layer's business
// (resources/payment_intents/errors.cc). Ordered by precedence:
// when several apply, the decider reports the first in this order (existence, then the
// command's own values, then the intent's state, then amounts that depend on the state).
#include <cstdint>
#include <string_view>

namespace payledger::payment_intents {

enum class Rejection : std::uint8_t {
  intent_exists,                // create: the id is taken (a generated id collided)
  intent_missing,               // any other command: no such intent
  managed_by_checkout,          // confirm, cancel or reprice an intent its session manages
  amount_invalid,               // amount outside 1..99,999,999
  currency_invalid,             // not a supported ISO 4217 code
  capture_method_invalid,       // neither automatic nor manual
  payment_method_unknown,       // not a payment method the test network knows
  cancellation_reason_invalid,  // not one of the reasons a merchant may give
  refund_reason_invalid,        // not one of the refund reasons
  payment_method_missing,       // confirm with no payment method given or attached
  charge_already_refunded,      // refund: the intent was refunded in full already
  intent_unexpected_state,      // the intent's status does not allow the command
  amount_not_updatable,         // update: the amount, once the intent was confirmed
  amount_to_capture_invalid,    // 0, negative or more than is capturable
  refund_amount_invalid,        // 0, negative or more than remains refundable
  not_due,                      // expire/settle before its time (internal sweeps only)
};

// The rejection's name, as written here ("intent_missing"): for logs and tests.
std::string_view name(Rejection r);

}  // namespace payledger::payment_intents
