#include "resources/payment_intents/rejection.h"

#include "domain/assert.h"

namespace payledger::payment_intents {

std::string_view name(Rejection r) {
  switch (r) {
    case Rejection::intent_exists:
      return "intent_exists";
    case Rejection::intent_missing:
      return "intent_missing";
    case Rejection::managed_by_checkout:
      return "managed_by_checkout";
    case Rejection::amount_invalid:
      return "amount_invalid";
    case Rejection::currency_invalid:
      return "currency_invalid";
    case Rejection::capture_method_invalid:
      return "capture_method_invalid";
    case Rejection::payment_method_unknown:
      return "payment_method_unknown";
    case Rejection::cancellation_reason_invalid:
      return "cancellation_reason_invalid";
    case Rejection::refund_reason_invalid:
      return "refund_reason_invalid";
    case Rejection::payment_method_missing:
      return "payment_method_missing";
    case Rejection::charge_already_refunded:
      return "charge_already_refunded";
    case Rejection::intent_unexpected_state:
      return "intent_unexpected_state";
    case Rejection::amount_not_updatable:
      return "amount_not_updatable";
    case Rejection::amount_to_capture_invalid:
      return "amount_to_capture_invalid";
    case Rejection::refund_amount_invalid:
      return "refund_amount_invalid";
    case Rejection::not_due:
      return "not_due";
  }
  PL_ASSERT(false, "every rejection has a name");
}

}  // namespace payledger::payment_intents
