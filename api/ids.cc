#include "api/ids.h"

#include <algorithm>
#include <array>
#include <cctype>

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

bool valid_id(const std::string& id, std::string_view prefix) {
  return id.size() <= kMaxIdChars && id.starts_with(prefix) &&
         std::all_of(id.begin(), id.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
         });
}

std::string uuid_v4() {
  std::array<unsigned char, 16> b{};
  PL_ASSERT(RAND_bytes(b.data(), static_cast<int>(b.size())) == 1,
            "the CSPRNG always yields bytes");
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  std::string out = to_hex(b.data(), b.size());
  for (std::size_t at : {8, 13, 18, 23}) out.insert(at, 1, '-');  // 8-4-4-4-12
  return out;
}

std::string to_hex(const unsigned char* bytes, std::size_t size) {
  std::string hex;
  hex.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i)
    fmt::format_to(std::back_inserter(hex), "{:02x}", bytes[i]);
  return hex;
}

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  PL_ASSERT(EVP_Digest(data.data(), data.size(), digest.data(), &len, EVP_sha256(), nullptr) == 1,
            "SHA-256 never fails on memory input");
  return to_hex(digest.data(), len);
}

}  // namespace payledger::api
