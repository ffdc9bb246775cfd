#pragma once
// The server's keyed-hash secret, held outside the log (a file of its own, 0600): what card
// fingerprints and Idempotency-Key request fingerprints are keyed with. An unkeyed hash of a
// card number can be brute-forced (the space of valid numbers is small); an HMAC without the
// key cannot. Losing the file changes every fingerprint made after it, never the log.
#include <optional>
#include <string>
#include <string_view>

#include "domain/expected.h"

namespace payledger::api {

// Lowercase hex of HMAC-SHA256(key, message).
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

class Secrets {
 public:
  // Reads the 32-byte key at `path`, or creates it (from the CSPRNG, mode 0600, synced) when the
  // file does not exist. Returns why when the file exists but is not a key.
  static Expected<Secrets, std::string> load_or_create(const std::string& path);
  // A key given directly (tests, tools). REQUIRES: key is not empty.
  static Secrets from_key(std::string key);

  // Lowercase hex of HMAC-SHA256(key, domain + "\n" + data): `domain` separates the uses
  // ("card", "idempotency") so that one fingerprint cannot stand for another.
  std::string fingerprint(std::string_view domain, std::string_view data) const;

  // `plaintext` encrypted for the use `domain` (AES-256-GCM with a key derived from the secret
  // for that use, a random nonce): lowercase hex of nonce, ciphertext and tag. For secrets the
  // server must read back (webhook signing secrets), kept in the log only sealed.
  std::string seal(std::string_view domain, std::string_view plaintext) const;
  // The plaintext of `sealed` (made by seal() with the same domain and key); nullopt when it
  // was not, or was altered.
  std::optional<std::string> open(std::string_view domain, std::string_view sealed) const;

 private:
  std::string use_key(std::string_view domain) const;
  explicit Secrets(std::string key) : key_(std::move(key)) {}
  std::string key_;
};

}  // namespace payledger::api
