#include "resources/payment_intents/errors.h"

#include "domain/assert.h"

namespace payledger::payment_intents {
namespace {

// How a rejection is told to an API client.
struct Told {
  int http_status;
  std::string_view type;     // "invalid_request_error"
  std::string_view code;     // "payment_intent_unexpected_state"
  std::string_view param;    // the offending parameter; empty when none applies
  std::string_view message;  // says why
};

Told tell(Rejection r) {
  constexpr std::string_view kInvalid = "invalid_request_error";
  switch (r) {
    case Rejection::intent_exists:
      return {409, kInvalid, "resource_already_exists", "id",
              "A PaymentIntent with this id already exists."};
    case Rejection::intent_missing:
      return {404, kInvalid, "resource_missing", "id", "No such payment_intent."};
    case Rejection::amount_invalid:
      return {400, kInvalid, "amount_invalid", "amount",
              "amount must be an integer from 1 to 99999999 in the currency's minor unit."};
    case Rejection::currency_invalid:
      return {400, kInvalid, "currency_invalid", "currency",
              "currency must be a supported three-letter ISO 4217 code in lowercase."};
    case Rejection::capture_method_invalid:
      return {400, kInvalid, "parameter_invalid", "capture_method",
              "capture_method must be automatic or manual."};
    case Rejection::payment_method_unknown:
      return {400, kInvalid, "resource_missing", "payment_method",
              "No such PaymentMethod; use a test payment method such as pm_card_visa."};
    case Rejection::cancellation_reason_invalid:
      return {400, kInvalid, "parameter_invalid", "cancellation_reason",
              "cancellation_reason must be one of duplicate, fraudulent, requested_by_customer, "
              "abandoned."};
    case Rejection::refund_reason_invalid:
      return {400, kInvalid, "parameter_invalid", "reason",
              "reason must be one of duplicate, fraudulent, requested_by_customer."};
    case Rejection::payment_method_missing:
      return {400, kInvalid, "payment_intent_unexpected_state", "payment_method",
              "You cannot confirm this PaymentIntent because it has no payment method; pass "
              "payment_method."};
    case Rejection::managed_by_checkout:
      return {400, kInvalid, "payment_intent_unexpected_state", "",
              "This PaymentIntent belongs to a Checkout Session: it is confirmed, canceled and "
              "priced through that session (its customer pays it; expire the session to cancel "
              "it)."};
    case Rejection::amount_not_updatable:
      return {400, kInvalid, "payment_intent_unexpected_state", "amount",
              "The amount can be updated only before the PaymentIntent is confirmed."};
    case Rejection::charge_already_refunded:
      return {400, kInvalid, "charge_already_refunded", "",
              "This PaymentIntent's charge has already been refunded in full."};
    case Rejection::intent_unexpected_state:
      return {400, kInvalid, "payment_intent_unexpected_state", "",
              "This PaymentIntent's status does not allow this operation."};
    case Rejection::amount_to_capture_invalid:
      return {400, kInvalid, "amount_too_large", "amount_to_capture",
              "amount_to_capture must be from 1 to the amount_capturable of the PaymentIntent."};
    case Rejection::refund_amount_invalid:
      return {400, kInvalid, "amount_too_large", "amount",
              "Refund amount must be from 1 to the amount received less the amount already "
              "refunded."};
    case Rejection::not_due:
      return {400, kInvalid, "not_due", "", "The PaymentIntent is not due for this yet."};
  }
  PL_ASSERT(false, "every rejection is told");
}

}  // namespace

api::ApiError rejection_error(Rejection r) {
  const Told told = tell(r);
  api::ApiError e;
  e.http_status = told.http_status;
  e.type = std::string(told.type);
  e.code = std::string(told.code);
  e.param = std::string(told.param);
  e.message = std::string(told.message);
  return e;
}

}  // namespace payledger::payment_intents
