#pragma once
// Stripe's webhook signature, so that Stripe's SDKs verify payledger's deliveries unmodified
// (stripe.webhooks.constructEvent, stripe.Webhook.construct_event).
#include <cstdint>
#include <string>
#include <string_view>

namespace payledger::webhooks {

// The Stripe-Signature header of `body` sent at `timestamp` (Unix seconds):
// "t=<timestamp>,v1=<lowercase hex of HMAC-SHA256(secret, "<timestamp>.<body>")>".
// `secret` is the endpoint's whole signing secret, "whsec_" included, as Stripe's SDKs take it.
std::string stripe_signature(std::string_view secret, std::int64_t timestamp,
                             std::string_view body);

}  // namespace payledger::webhooks
