#pragma once
// API objects as JSON, rendered from domain state. Every field is always present (null when
// empty), so the rendering is lossless and parse_intent(render_intent(x)) == x except for the
// version, which lives beside the view.
#include <string>
#include <string_view>

#include "domain/expected.h"
#include "domain/payment_intent.h"

namespace payledger::projections {

std::string render_intent(const domain::PaymentIntent& intent);

// Returns why when `json` is not a rendering of render_intent().
Expected<domain::PaymentIntent, std::string> parse_intent(std::string_view json);

std::string render_refund(const domain::EventMeta& meta, const domain::RefundCreated& refund);

// The `charges.url` and list `url` values of the API.
std::string charges_url(const domain::PaymentIntentId& id);

}  // namespace payledger::projections
