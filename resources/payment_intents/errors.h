#pragma once
// PaymentIntent rejections as API errors: the HTTP status, code, parameter and message of each.
#include "api/errors.h"
#include "resources/payment_intents/rejection.h"

namespace payledger::payment_intents {

api::ApiError rejection_error(Rejection r);

}  // namespace payledger::payment_intents
