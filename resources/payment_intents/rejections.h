#pragma once
// PaymentIntent rejections as API errors: the HTTP status, code, parameter and message of each.
#include "api/errors.h"
#include "domain/rejection.h"

namespace payledger::payment_intents {

api::ApiError rejection_error(domain::Rejection r);

}  // namespace payledger::payment_intents
