#include "webhooks/signature.h"

#include "api/secrets.h"

namespace payledger::webhooks {

std::string stripe_signature(std::string_view secret, std::int64_t timestamp,
                             std::string_view body) {
  const std::string t = std::to_string(timestamp);
  std::string signed_payload;
  signed_payload.reserve(t.size() + 1 + body.size());
  signed_payload.append(t).append(1, '.').append(body);
  return "t=" + t + ",v1=" + api::hmac_sha256_hex(secret, signed_payload);
}

}  // namespace payledger::webhooks
