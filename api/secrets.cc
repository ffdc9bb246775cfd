#include "api/secrets.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "api/ids.h"
#include "domain/assert.h"

namespace payledger::api {
namespace {

constexpr std::size_t kKeyBytes = 32;

std::string errno_text(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

Expected<std::string, std::string> read_key(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Unexpected{errno_text("cannot open", path)};
  std::string key(kKeyBytes + 1, '\0');
  const ssize_t n = ::read(fd, key.data(), key.size());
  ::close(fd);
  if (n != static_cast<ssize_t>(kKeyBytes)) {
    return Unexpected{path + " is not a payledger key (it must hold exactly 32 bytes)"};
  }
  key.resize(kKeyBytes);
  return key;
}

// Written to a temporary name, synced, then renamed: a crash leaves no half key behind.
Expected<std::string, std::string> create_key(const std::string& path) {
  std::string key(kKeyBytes, '\0');
  PL_ASSERT(RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), kKeyBytes) == 1,
            "the CSPRNG always yields bytes");
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Unexpected{errno_text("cannot create", tmp)};
  const bool written =
      ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!written || ::rename(tmp.c_str(), path.c_str()) != 0) {
    return Unexpected{errno_text("cannot write", path)};
  }
  const std::string dir = std::filesystem::path(path).parent_path().string();
  const int dir_fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    (void)::fsync(dir_fd);
    ::close(dir_fd);
  }
  return key;
}

}  // namespace

Expected<Secrets, std::string> Secrets::load_or_create(const std::string& path) {
  std::error_code ec;
  auto key = std::filesystem::exists(path, ec) ? read_key(path) : create_key(path);
  if (!key) return Unexpected{key.error()};
  return Secrets(std::move(*key));
}

Secrets Secrets::from_key(std::string key) {
  PL_ASSERT(!key.empty(), "a keyed hash needs a key");
  return Secrets(std::move(key));
}

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int len = 0;
  PL_ASSERT(HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
                 reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac.data(),
                 &len) != nullptr,
            "HMAC-SHA256 never fails on memory input");
  return to_hex(mac.data(), len);
}

std::string Secrets::fingerprint(std::string_view domain, std::string_view data) const {
  std::string message(domain);
  message.push_back('\n');
  message.append(data);
  std::string mac = hmac_sha256_hex(key_, message);
  // The message may hold a card number: it does not outlive this call.
  OPENSSL_cleanse(message.data(), message.size());
  return mac;
}

}  // namespace payledger::api

namespace payledger::api {
namespace {

constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;

std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out(hex.size() / 2, '\0');
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = nibble(hex[2 * i]);
    const int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<char>(hi * 16 + lo);
  }
  return out;
}

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

}  // namespace

// Each use gets its own key: HMAC(secret, "seal\n" + domain), raw.
std::string Secrets::use_key(std::string_view domain) const {
  std::string message = "seal\n" + std::string(domain);
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int len = 0;
  PL_ASSERT(HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
                 reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac.data(),
                 &len) != nullptr,
            "HMAC-SHA256 never fails on memory input");
  return {reinterpret_cast<const char*>(mac.data()), len};
}

std::string Secrets::seal(std::string_view domain, std::string_view plaintext) const {
  const std::string key = use_key(domain);
  std::string out(kNonceBytes + plaintext.size() + kTagBytes, '\0');
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());
  PL_ASSERT(RAND_bytes(bytes, kNonceBytes) == 1, "the CSPRNG gives bytes");
  CipherContext ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int len = 0;
  const bool ok =
      ctx &&
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                         reinterpret_cast<const unsigned char*>(key.data()), bytes) == 1 &&
      EVP_EncryptUpdate(ctx.get(), bytes + kNonceBytes, &len,
                        reinterpret_cast<const unsigned char*>(plaintext.data()),
                        static_cast<int>(plaintext.size())) == 1 &&
      EVP_EncryptFinal_ex(ctx.get(), bytes + kNonceBytes + len, &len) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                          bytes + kNonceBytes + plaintext.size()) == 1;
  PL_ASSERT(ok, "AES-256-GCM never fails on memory input");
  return to_hex(bytes, out.size());
}

std::optional<std::string> Secrets::open(std::string_view domain, std::string_view sealed) const {
  auto raw = from_hex(sealed);
  if (!raw || raw->size() < kNonceBytes + kTagBytes) return std::nullopt;
  const std::string key = use_key(domain);
  std::string& buffer = *raw;
  const std::size_t text_size = buffer.size() - kNonceBytes - kTagBytes;
  auto* bytes = reinterpret_cast<unsigned char*>(buffer.data());
  std::string out(text_size, '\0');
  CipherContext ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int len = 0;
  const bool ok =
      ctx &&
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                         reinterpret_cast<const unsigned char*>(key.data()), bytes) == 1 &&
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len,
                        bytes + kNonceBytes, static_cast<int>(text_size)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes,
                          bytes + kNonceBytes + text_size) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + len, &len) == 1;
  if (!ok) return std::nullopt;  // not sealed with this key and domain, or altered
  return out;
}

}  // namespace payledger::api
