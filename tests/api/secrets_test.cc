// The keyed-hash secret and generated ids.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>
#include <regex>

#include "api/ids.h"
#include "api/routes.h"
#include "api/secrets.h"
#include "tests/support/temp_dir.h"

using namespace payledger::api;

TEST_CASE("the secret is made once, 0600, and keeps fingerprints stable across loads") {
  payledger::testing::TempDir dir;
  const std::string path = dir.path() + "/fingerprint.key";
  auto first = Secrets::load_or_create(path);
  REQUIRE(first.has_value());
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(st.st_size == 32);
  auto again = Secrets::load_or_create(path);
  REQUIRE(again.has_value());
  const std::string fp = first->fingerprint("card", "4242424242424242");
  CHECK(fp.size() == 64);
  CHECK(again->fingerprint("card", "4242424242424242") == fp);
  // Another use of the same data, or another key, gives another fingerprint.
  CHECK(first->fingerprint("idempotency", "4242424242424242") != fp);
  CHECK(Secrets::from_key("other").fingerprint("card", "4242424242424242") != fp);
  CHECK(fp.find("4242") == std::string::npos);
}

TEST_CASE("a file that is not a key is refused, not overwritten") {
  payledger::testing::TempDir dir;
  const std::string path = dir.path() + "/fingerprint.key";
  std::ofstream(path) << "short";
  auto loaded = Secrets::load_or_create(path);
  REQUIRE_FALSE(loaded.has_value());
  CHECK(loaded.error().find("32 bytes") != std::string::npos);
  std::ifstream in(path);
  std::string text;
  in >> text;
  CHECK(text == "short");
}

TEST_CASE("UUID ids are version 4, and ids may hold '-'") {
  const std::regex shape("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  const std::string a = uuid_v4();
  CHECK(std::regex_match(a, shape));
  CHECK(uuid_v4() != a);
  CHECK(valid_id("pay_" + a, "pay_"));
  CHECK_FALSE(valid_id("pay_" + a + "/x", "pay_"));
  CHECK_FALSE(valid_id("pi_" + a, "pay_"));
}

TEST_CASE("seal and open: AES-256-GCM per use, a fresh nonce each time, tampering refused") {
  const Secrets a = Secrets::from_key(std::string(32, 'a'));
  const Secrets b = Secrets::from_key(std::string(32, 'b'));
  const std::string secret = "whsec_0123456789abcdefABCDEF";
  const std::string sealed = a.seal("webhook", secret);
  CHECK(sealed.find(secret) == std::string::npos);
  CHECK(sealed.size() == 2 * (12 + secret.size() + 16));
  CHECK(a.seal("webhook", secret) != sealed);  // a random nonce per seal
  CHECK(a.open("webhook", sealed) == secret);
  CHECK_FALSE(a.open("card", sealed).has_value());     // another use's key
  CHECK_FALSE(b.open("webhook", sealed).has_value());  // another server's key
  std::string altered = sealed;
  altered[30] = altered[30] == '0' ? '1' : '0';
  CHECK_FALSE(a.open("webhook", altered).has_value());
  CHECK_FALSE(a.open("webhook", "zz").has_value());
  CHECK_FALSE(a.open("webhook", "").has_value());
  CHECK(a.open("webhook", a.seal("webhook", "")) == "");
}
