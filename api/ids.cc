#include "api/ids.h"

#include <array>

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "domain/assert.h"

namespace payledger::api {

std::string RandomIds::next(std::string_view prefix) {
  constexpr std::string_view kAlphabet =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  constexpr int kChars = 24;
  std::array<unsigned char, kChars> bytes{};
  PL_ASSERT(RAND_bytes(bytes.data(), kChars) == 1, "the CSPRNG always yields bytes");
  std::string id(prefix);
  id.push_back('_');
  // 248 is the largest multiple of 62 below 256: rejecting larger bytes keeps ids uniform.
  for (unsigned char b : bytes) {
    while (b >= 248) PL_ASSERT(RAND_bytes(&b, 1) == 1, "the CSPRNG always yields bytes");
    id.push_back(kAlphabet[b % 62]);
  }
  return id;
}

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  PL_ASSERT(EVP_Digest(data.data(), data.size(), digest.data(), &len, EVP_sha256(), nullptr) == 1,
            "SHA-256 never fails on memory input");
  std::string hex;
  hex.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i)
    fmt::format_to(std::back_inserter(hex), "{:02x}", digest[i]);
  return hex;
}

}  // namespace payledger::api
