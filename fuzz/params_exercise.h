#pragma once
// What a route does with parsed parameters, for the parameter fuzzers: every getter on the
// names Stripe's clients send, then finish() and the canonical form the idempotency record keeps.
#include "api/params.h"
#include "domain/assert.h"

namespace payledger::fuzz {

inline void exercise(api::Params& p) {
  (void)p.string("description", 500);
  (void)p.string("metadata[order_ref]");
  (void)p.integer("amount");
  (void)p.boolean("confirm");
  (void)p.metadata("metadata");
  (void)p.metadata_patch("shipping");
  const std::size_t items = p.count("line_items");
  for (std::size_t i = 0; i < items && i < 8; ++i) {
    const std::string item = "line_items[" + std::to_string(i) + "]";
    (void)p.string(item + "[price]");
    (void)p.integer(item + "[quantity]");
    (void)p.is_object(item + "[price_data]");
  }
  (void)p.strings("payment_method_types", 10, 40);
  (void)p.has("customer");
  (void)p.update_string("email", 512);
  (void)p.is_object("card");
  (void)p.string("card[number]", 64);
  const auto error = p.finish();
  // An error always names what is wrong.
  if (error) PL_ASSERT(!error->message.empty(), "an error says why");
  const std::string canonical = p.canonical_form();
  (void)canonical;
}

}  // namespace payledger::fuzz
