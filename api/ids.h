#pragma once
// Generated ids and key hashes. Ids come from OpenSSL's CSPRNG so they cannot be guessed.
#include <cstddef>
#include <string>
#include <string_view>

namespace payledger::api {

class IdGenerator {
 public:
  virtual ~IdGenerator() = default;
  // `prefix` + "_" + 24 base62 characters, e.g. "pi_3kX9...".
  virtual std::string next(std::string_view prefix) = 0;
};

class RandomIds final : public IdGenerator {
 public:
  std::string next(std::string_view prefix) override;
};

// Ids are generated as prefix + base62; a longer one names nothing.
inline constexpr std::size_t kMaxIdChars = 100;

// A resource's id is its prefix and then base62, '_' or '-' (pay_ + UUID): anything else cannot
// name an object.
bool valid_id(const std::string& id, std::string_view prefix);

// A random (version 4) UUID in lowercase, e.g. "a1b2c3d4-e5f6-4789-abcd-ef1234567890": ids of
// resources whose API spells them prefix + UUID (pay_...).
std::string uuid_v4();

// Lowercase hex of `size` bytes.
std::string to_hex(const unsigned char* bytes, std::size_t size);

// Lowercase hex of SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

}  // namespace payledger::api
